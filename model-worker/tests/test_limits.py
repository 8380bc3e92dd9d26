"""Limits that hold under hostile input: every request a client can send is answered with the contract's
status, cheaply, without taking the worker down for anyone else."""

from __future__ import annotations

import grpc
import numpy as np
import pyarrow as pa
import pytest

from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors_worker import validation
from thought_anchors_worker.backend import InvalidRequest, Tokenization
from thought_anchors_worker.server import SERVICE_NAME, build_server
from thought_anchors_worker.validation import Limits


@pytest.fixture(scope="module")
def address(qwen):
    server, port, _ = build_server(qwen, "127.0.0.1:0", Limits(1 << 20, 64, 1), max_waiting=2)
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop(grace=None)


@pytest.fixture(scope="module")
def channel(address):
    with grpc.insecure_channel(address) as channel:
        yield channel


def _raw_call(channel, verb: str, payload: bytes):
    """Sends `payload` as the verb's request bytes, unparsed: what a broken or hostile client can send."""
    path = f"/{SERVICE_NAME}/{verb}"
    if verb in ("Attention", "Logits"):
        return list(channel.unary_stream(path)(payload, timeout=30))
    return channel.unary_unary(path)(payload, timeout=30)


_TRUNCATED = b"\x0a\x10ab"  # field 1 announces 16 bytes, 2 follow
_BAD_TEXT = b"\x0a\x02\xff\xfe"  # field 1, a string of 2 bytes that are not UTF-8
_BAD_INPUT_TEXT = b"\x0a\x04" + _BAD_TEXT  # ModelInput input = 1 holding that text


@pytest.mark.parametrize("verb, payload", [
    ("Describe", _TRUNCATED), ("Tokenize", _TRUNCATED), ("Attention", _TRUNCATED), ("Logits", _TRUNCATED),
    ("Tokenize", _BAD_TEXT), ("Attention", _BAD_INPUT_TEXT), ("Logits", _BAD_INPUT_TEXT),
])
def test_undecodable_requests_are_invalid_argument(channel, verb, payload):
    with pytest.raises(grpc.RpcError) as info:
        _raw_call(channel, verb, payload)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, info.value.details()
    assert f"{verb}Request" in info.value.details() and "cannot be decoded" in info.value.details()
    assert pb.DescribeResponse.FromString(_raw_call(channel, "Describe", b"")).num_layers == 4  # still serving


def _nucleus_logits(channel, temperature: float) -> list[pb.TensorChunk]:
    request = pb.LogitsRequest(input=pb.ModelInput(text="Two plus two is four."), variants=[pb.Suppression()],
                               nucleus=pb.NucleusSpec(top_p=0.9, max_k=20, temperature=temperature))
    return [pb.TensorChunk.FromString(c) for c in _raw_call(channel, "Logits", request.SerializeToString())]


@pytest.mark.parametrize("temperature", [1e-45, 1e-30, 1e-7, 2e6, float("inf"), float("nan"), 0.0, -0.6])
def test_temperatures_float32_cannot_scale_by_are_invalid_argument(channel, temperature):
    with pytest.raises(grpc.RpcError) as info:
        _nucleus_logits(channel, temperature)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "nucleus.temperature" in info.value.details() and "[1e-06, 1e+06]" in info.value.details()


@pytest.mark.parametrize("temperature", [1e-6, 0.6, 1e6])
def test_temperatures_in_the_documented_range_give_finite_masses(channel, temperature):
    chunks = _nucleus_logits(channel, temperature)
    masses = pa.concat_tables(pa.ipc.open_stream(c.arrow_ipc).read_all() for c in chunks)["retained_mass"]
    masses = masses.to_numpy()
    assert len(masses) == chunks[0].num_tokens and np.isfinite(masses).all()
    assert ((masses > 0) & (masses <= 1 + 1e-6)).all()


def test_whitespace_is_text_like_any_other_for_every_verb(channel):
    """Tokenize answered whitespace-only text while Attention refused it as empty: one rule for both now."""
    text = "  \n\t "
    tokens = pb.TokenizeResponse.FromString(_raw_call(channel, "Tokenize", pb.TokenizeRequest(text=text)
                                                      .SerializeToString()))
    assert len(tokens.ids) > 1  # BOS and the whitespace's own tokens
    attention = pb.AttentionRequest(input=pb.ModelInput(text=text), mode=pb.AttentionRequest.RAW, layers=[0])
    chunks = [pb.TensorChunk.FromString(c) for c in _raw_call(channel, "Attention", attention.SerializeToString())]
    assert {c.num_tokens for c in chunks} == {len(tokens.ids)}
    logits = pb.LogitsRequest(input=pb.ModelInput(text=text), variants=[pb.Suppression()], full_logit_positions=[-1])
    assert [pb.TensorChunk.FromString(c).num_tokens for c in _raw_call(channel, "Logits", logits.SerializeToString())
            ] == [len(tokens.ids)]


@pytest.mark.parametrize("verb, request_", [
    ("Tokenize", pb.TokenizeRequest(text="")),
    ("Attention", pb.AttentionRequest(input=pb.ModelInput(text=""), mode=pb.AttentionRequest.RAW)),
    ("Logits", pb.LogitsRequest(input=pb.ModelInput(text=""), variants=[pb.Suppression()], full_logit_positions=[-1])),
])
def test_empty_text_is_refused_by_every_verb(channel, verb, request_):
    with pytest.raises(grpc.RpcError) as info:
        _raw_call(channel, verb, request_.SerializeToString())
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "text is empty" in info.value.details()


class _DropsWhitespace:
    """The real backend behind a tokenizer that adds no BOS and drops whitespace (as some SentencePiece models do)."""

    def __init__(self, backend):
        self.backend = backend

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def tokenize(self, text):
        return Tokenization([], [], [], []) if not text.strip() else self.backend.tokenize(text)


def test_a_text_without_tokens_is_refused_before_any_forward(qwen):
    request = pb.AttentionRequest(input=pb.ModelInput(text="  \n"), mode=pb.AttentionRequest.RAW)
    validation.attention(qwen, request, Limits(1 << 20, 64, 1))
    with pytest.raises(InvalidRequest, match="input.text has no tokens"):
        validation.attention(_DropsWhitespace(qwen), request, Limits(1 << 20, 64, 1))
