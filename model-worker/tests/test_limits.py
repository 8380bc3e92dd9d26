"""Limits that hold under hostile input: every request a client can send is answered with the contract's
status, cheaply, without taking the worker down for anyone else."""

from __future__ import annotations

import time

import grpc
import numpy as np
import pyarrow as pa
import pytest

from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors_worker import service, validation
from thought_anchors_worker.backend import InvalidRequest, Tokenization
from thought_anchors_worker.server import SERVICE_NAME, build_server
from thought_anchors_worker.service import RETRY_AFTER_KEY
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


# ---------------------------------------------------------------------------------------------- huge requests


class _Recording:
    """The real backend, recording the length of every text it tokenises or counts."""

    def __init__(self, backend):
        self.backend = backend
        self.tokenised: list[int] = []
        self.counted: list[int] = []

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def tokenize(self, text):
        self.tokenised.append(len(text))
        return self.backend.tokenize(text)

    def count_tokens(self, texts):
        self.counted += [len(t) for t in texts]
        return self.backend.count_tokens(texts)


@pytest.fixture
def recorded(qwen):
    """A worker over a recording backend with two slots (max_waiting=1), and its channel."""
    backend = _Recording(qwen)
    server, port, _ = build_server(backend, "127.0.0.1:0", Limits(1 << 20, 64, 1), max_waiting=1)
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield backend, channel
    server.stop(grace=None)


def _huge_requests(text: str) -> list[tuple[str, bytes]]:
    model_input = pb.ModelInput(text=text)
    return [("Tokenize", pb.TokenizeRequest(text=text, prefix_char_offsets=[10]).SerializeToString()),
            ("Attention", pb.AttentionRequest(input=model_input, mode=pb.AttentionRequest.RAW).SerializeToString()),
            ("Logits", pb.LogitsRequest(input=model_input, variants=[pb.Suppression()], full_logit_positions=[-1])
             .SerializeToString())]


def test_a_huge_legal_text_is_refused_by_its_length_before_tokenising(recorded, qwen):
    """4 MiB of text fits the request cap but is more than max_tokens tokens can hold: the old worker tokenised
    all of it (8-48 MiB took minutes and gigabytes) before counting its tokens."""
    backend, channel = recorded
    limit = validation.max_text_chars(qwen.describe())
    text = "word " * (limit // 5 + 1)
    assert len(text) > limit and len(text.encode()) < validation.max_request_bytes(qwen.describe())
    for verb, payload in _huge_requests(text):
        with pytest.raises(grpc.RpcError) as info:
            _raw_call(channel, verb, payload)
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, (verb, info.value.details())
        assert f"more than the {limit} characters" in info.value.details()
    assert backend.tokenised == [] and backend.counted == []


def test_the_request_cap_follows_what_max_tokens_can_need(recorded, qwen):
    backend, channel = recorded
    cap = validation.max_request_bytes(qwen.describe())
    assert cap < 16 << 20  # tiny-qwen2 accepts 32,768 tokens: far below the old fixed 64 MiB
    for verb, payload in _huge_requests("x" * cap):
        with pytest.raises(grpc.RpcError) as info:
            _raw_call(channel, verb, payload)
        assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, (verb, info.value.details())
    assert backend.tokenised == [] and backend.counted == []


def _hold_every_slot(channel, text: str) -> list:
    """Two RAW streams on a long text, read no further than their first chunk: one runs (stalled by flow
    control), one waits. With max_waiting=1 that is every admission slot."""
    request = pb.AttentionRequest(input=pb.ModelInput(text=text * 3), mode=pb.AttentionRequest.RAW)
    stream = channel.unary_stream(f"/{SERVICE_NAME}/Attention")
    running = stream(request.SerializeToString(), timeout=120)
    next(running)
    queued = stream(request.SerializeToString(), timeout=120)
    time.sleep(0.5)  # the second call reaches the worker and takes its slot
    return [running, queued]


def test_tokenisation_happens_inside_admission_and_a_busy_refusal_carries_a_retry_hint(recorded, trace_text):
    """The old worker tokenised Tokenize calls, and the text of Attention and Logits calls, before admission:
    a busy worker still spent its CPU and memory on them."""
    backend, channel = recorded
    held = _hold_every_slot(channel, trace_text[:1500])
    try:
        tokenised = len(backend.tokenised)
        for verb, payload in _huge_requests(trace_text[:3000]):
            with pytest.raises(grpc.RpcError) as info:
                _raw_call(channel, verb, payload)
            assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and "busy" in info.value.details(), verb
            hint = dict(info.value.trailing_metadata())[RETRY_AFTER_KEY]
            assert 50 <= int(hint) <= 60_000
        assert len(backend.tokenised) == tokenised and backend.counted == []
    finally:
        for call in held:
            call.cancel()


def test_a_tokenize_that_ends_stops_counting_prefixes(recorded, trace_text):
    """Prefix counting costs sum(prefix lengths); the old worker counted every prefix in one batch after the
    call had ended. 600 prefixes of a 60,000-character text, with a one-second deadline."""
    backend, channel = recorded
    text = (trace_text * 10)[:60_000]
    offsets = list(range(100, 60_000, 100))
    request = pb.TokenizeRequest(text=text, prefix_char_offsets=offsets)
    with pytest.raises(grpc.RpcError) as info:
        channel.unary_unary(f"/{SERVICE_NAME}/Tokenize")(request.SerializeToString(), timeout=1)
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    small = pb.TokenizeRequest(text="x y", prefix_char_offsets=[1]).SerializeToString()
    assert pb.TokenizeResponse.FromString(_raw_call(channel, "Tokenize", small)).prefix_token_counts == [2]
    assert 0 < len(backend.counted) - 1 < len(offsets) // 2, "the cancelled call went on counting"


def test_a_large_tokenize_hands_freed_heap_back(recorded, trace_text, monkeypatch):
    """Counting 100 prefixes of up to 90,000 characters left ~50-100 MB resident in glibc's heap, call after
    call (docs/performance.md); the worker trims the heap after tokenising that much, and only then."""
    backend, channel = recorded
    assert service._MALLOC_TRIM is not None, "glibc's malloc_trim not found"
    trims = []
    monkeypatch.setattr(service, "_MALLOC_TRIM", trims.append)
    text = (trace_text * 20)[:90_000]
    request = pb.TokenizeRequest(text=text, prefix_char_offsets=list(range(900, 90_001, 900)))
    reply = pb.TokenizeResponse.FromString(_raw_call(channel, "Tokenize", request.SerializeToString()))
    assert len(reply.prefix_token_counts) == 100 and trims == [0]
    _raw_call(channel, "Tokenize", pb.TokenizeRequest(text=text[:5000], prefix_char_offsets=[100]).SerializeToString())
    assert trims == [0]
