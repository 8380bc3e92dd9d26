"""The gRPC worker on loopback: Arrow streams, statuses for bad input, cancellation, admission."""

from __future__ import annotations

import threading
import time

import grpc
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import torch
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors.worker.v1 import worker_pb2_grpc
from thought_anchors_worker.backend import AttentionPass, CaptureMode, DeviceOutOfMemory
from thought_anchors_worker.server import SERVICE_NAME, build_server
from thought_anchors_worker.validation import Limits

CHUNK = 1 << 20  # small chunks so every stream is split across several messages


@pytest.fixture(scope="module")
def server(qwen):
    srv, port, _ = build_server(qwen, "127.0.0.1:0", Limits(CHUNK, 64, 2), max_waiting=1)
    srv.start()
    yield f"127.0.0.1:{port}"
    srv.stop(grace=None)


@pytest.fixture(scope="module")
def stub(server):
    channel = grpc.insecure_channel(server)
    yield worker_pb2_grpc.ModelWorkerStub(channel)
    channel.close()


@pytest.fixture(scope="module")
def text(trace_text):
    return trace_text[:1500]


def _table(chunk: pb.TensorChunk) -> pa.Table:
    return pa.ipc.open_stream(chunk.arrow_ipc).read_all()


def _status(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as info:
        result = call()
        if not isinstance(result, pb.DescribeResponse | pb.TokenizeResponse):
            list(result)
    return info.value


def test_describe(stub, qwen):
    info = stub.Describe(pb.DescribeRequest())
    assert info.architecture == "Qwen2ForCausalLM" and info.dtype == "float32" and info.devices == ["cpu"]
    assert (info.num_layers, info.num_query_heads, info.num_kv_heads, info.head_dim) == (4, 4, 2, 16)
    assert list(info.kv_head_of_query_head) == [0, 0, 1, 1]
    assert info.vocab_size == 151936 and info.bos_token_id == 151643
    assert info.synthetic_weights and "not the science" in info.notes
    assert info.contract_version == pb.CONTRACT_VERSION_1
    assert info.max_chunk_bytes == CHUNK and "attention.pooled" in info.capabilities


def test_describe_names_the_backend_and_its_version(stub):
    import transformers

    capabilities = list(stub.Describe(pb.DescribeRequest()).capabilities)
    assert capabilities[-2:] == ["backend.hf", f"backend.version:transformers-{transformers.__version__}"]
    features = capabilities[:-2]
    assert features == sorted(features) and "logits.prefix_reuse" in features
    assert [c for c in capabilities if c.startswith("backend.")] == capabilities[-2:]


def test_tokenize_offsets_and_prefix_counts(stub, qwen, text):
    offsets = [0, 10, 200, len(text)]
    reply = stub.Tokenize(pb.TokenizeRequest(text=text, prefix_char_offsets=offsets))
    tokenizer = qwen.lm.tokenizer  # the model's own tokenizer, called directly
    assert list(reply.ids) == tokenizer(text)["input_ids"]
    assert (reply.char_starts[0], reply.char_ends[0]) == (0, 0)  # BOS
    assert "".join(text[s:e] for s, e in zip(reply.char_starts[1:], reply.char_ends[1:])) == text
    expected = [0] + [len(tokenizer(text[:o])["input_ids"]) for o in offsets[1:]]
    assert list(reply.prefix_token_counts) == expected


def test_tokenize_counts_utf16_units_like_java(stub, qwen):
    text = "a𝑥b = c"  # U+1D465 is two UTF-16 code units
    reply = stub.Tokenize(pb.TokenizeRequest(text=text, prefix_char_offsets=[0, 1, 3, 4, 8]))
    assert reply.char_ends[-1] == 8  # len in UTF-16 units
    # UTF-16 offsets 1, 3, 4, 8 end after "a", "a𝑥", "a𝑥b" and the whole text.
    tokenizer = qwen.lm.tokenizer
    expected = [0] + [len(tokenizer(prefix)["input_ids"]) for prefix in ("a", "a𝑥", "a𝑥b", text)]
    assert list(reply.prefix_token_counts) == expected
    spans = [text.encode("utf-16-le")[2 * s: 2 * e].decode("utf-16-le")
             for s, e in zip(reply.char_starts[1:], reply.char_ends[1:])]
    assert "".join(spans) == text  # every span, read as Java reads it, is the token's text


def test_pooled_stream_decodes_to_the_promised_shapes(stub, qwen, text):
    ids = qwen.tokenize(text).ids
    n = len(ids)
    ranges = [pb.TokenRange(start=a, end=b) for a, b in [(5, 40), (40, 90), (90, 200), (200, n)]]
    chunks = list(stub.Attention(pb.AttentionRequest(input=pb.ModelInput(text=text), mode=pb.AttentionRequest.POOLED,
                                                     pool_ranges=ranges, layers=[1, 3])))
    assert [c.layer for c in chunks] == sorted(c.layer for c in chunks), "layers arrive in order"
    assert {c.layer for c in chunks} == {1, 3} and all(c.layers_total == 2 for c in chunks)
    table = pa.concat_tables(_table(c) for c in chunks)
    assert table.schema.field("values").type == pa.list_(pa.float32(), 4)
    assert table.num_rows == 2 * 4 * 4  # layers x heads x rows
    got = {}
    for layer, head, row, values in zip(*(table[c].to_pylist() for c in ("layer", "head", "row", "values"))):
        got[(layer, head, row)] = values
    expected = {}
    forward = AttentionPass(ids, [1, 3], [0, 1, 2, 3], CaptureMode.POOLED, [(r.start, r.end) for r in ranges], None, 64)
    qwen.attention(forward, lambda layer, _, m: expected.__setitem__(layer, m), threading.Event())
    for (layer, head, row), values in got.items():
        assert np.allclose(values, expected[layer][head, row], atol=1e-7)


def test_raw_stream_is_chunked_within_the_limit(stub, qwen, text):
    n = len(qwen.tokenize(text).ids)
    chunks = list(stub.Attention(pb.AttentionRequest(input=pb.ModelInput(text=text), mode=pb.AttentionRequest.RAW,
                                                     layers=[2], heads=[1, 3])))
    assert len(chunks) > 1 and all(len(c.arrow_ipc) <= CHUNK for c in chunks)
    table = pa.concat_tables(_table(c) for c in chunks)
    assert table.num_rows == 2 * n and all(c.rows == n == c.cols for c in chunks)
    matrix = np.asarray(table["values"].combine_chunks().flatten()).reshape(2 * n, n)
    assert np.allclose(matrix.sum(1), 1.0, atol=1e-5)


def test_logits_stream_nucleus_and_full(stub, qwen, text):
    n = len(qwen.tokenize(text).ids)
    request = pb.LogitsRequest(
        input=pb.ModelInput(text=text),
        variants=[pb.Suppression(), pb.Suppression(ranges=[pb.TokenRange(start=100, end=130)])],
        nucleus=pb.NucleusSpec(top_p=0.9999, max_k=100, temperature=0.6, round_logits_to_float16=True),
        full_logit_positions=[-1])
    chunks = list(stub.Logits(request))
    nucleus = [c for c in chunks if c.kind == pb.TensorChunk.NUCLEUS]
    full = [c for c in chunks if c.kind == pb.TensorChunk.FULL_LOGITS]
    assert all(len(c.arrow_ipc) <= CHUNK for c in chunks)
    by_variant = {v: pa.concat_tables(_table(c) for c in nucleus if c.variant == v) for v in (0, 1)}
    assert by_variant[0]["position"].to_pylist() == list(range(n))
    assert by_variant[1]["position"].to_pylist() == list(range(100, n))
    # Longer than one LM-head chunk (220 rows for this vocabulary): every chunk names the variant's first position.
    assert n > 220 and {c.first_position for c in nucleus if c.variant == 1} == {100}
    assert {c.first_position for c in nucleus if c.variant == 0} == {0}
    lengths = pc.list_value_length(by_variant[0]["token_ids"]).to_numpy()
    assert np.all((lengths >= 1) & (lengths <= 100))
    full_table = pa.concat_tables(_table(c) for c in full)
    assert full_table["position"].to_pylist() == [n - 1, n - 1]
    # Full-logit chunks name the same first position as the variant's nucleus chunks (clients check they agree).
    assert [(c.variant, c.first_position) for c in full] == [(0, 0), (1, 100)]
    assert full_table.schema.field("logits").type == pa.list_(pa.float32(), 151936)


def _attention(text="x y z", **fields):
    fields.setdefault("mode", pb.AttentionRequest.POOLED)
    fields.setdefault("pool_ranges", [pb.TokenRange(start=1, end=2)])
    return pb.AttentionRequest(input=pb.ModelInput(text=text), **fields)


@pytest.mark.parametrize("request_, fragment", [
    (pb.AttentionRequest(mode=pb.AttentionRequest.RAW), "input is missing"),
    (_attention(text="   "), "input.text is empty"),
    (_attention(mode=pb.AttentionRequest.MODE_UNSPECIFIED, pool_ranges=[]), "mode must be RAW or POOLED"),
    (_attention(pool_ranges=[pb.TokenRange(start=3, end=1)]), "reversed"),
    (_attention(pool_ranges=[pb.TokenRange(start=1, end=99)]), "outside the input"),
    (_attention(pool_ranges=[pb.TokenRange(start=1, end=3), pb.TokenRange(start=2, end=4)]), "overlaps"),
    (_attention(layers=[7]), "unknown layers [7]"),
    (_attention(heads=[0, 0]), "duplicates"),
    (_attention(suppression=pb.Suppression(ranges=[pb.TokenRange(start=0, end=2)])), "starts at 0"),
    (_attention(max_chunk_bytes=100), "cannot hold one attention row"),
    (pb.AttentionRequest(input=pb.ModelInput(token_ids=pb.TokenIds(ids=[1, 999999])),
                         mode=pb.AttentionRequest.RAW), "outside [0, 151936)"),
])
def test_bad_attention_requests_are_invalid_argument(stub, request_, fragment):
    error = _status(lambda: stub.Attention(request_))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert fragment in error.details()


@pytest.mark.parametrize("request_, fragment", [
    (pb.LogitsRequest(input=pb.ModelInput(text="a b"), nucleus=pb.NucleusSpec(top_p=0.9, max_k=5, temperature=1)),
     "variants is empty"),
    (pb.LogitsRequest(input=pb.ModelInput(text="a b"), variants=[pb.Suppression()]), "nothing to return"),
    (pb.LogitsRequest(input=pb.ModelInput(text="a b"), variants=[pb.Suppression()],
                      nucleus=pb.NucleusSpec(top_p=1.5, max_k=5, temperature=1)), "top_p"),
    (pb.LogitsRequest(input=pb.ModelInput(text="a b"), variants=[pb.Suppression()], full_logit_positions=[9]),
     "outside the input"),
    (pb.LogitsRequest(input=pb.ModelInput(text="a b"), variants=[pb.Suppression(layer_heads=[
        pb.LayerHeads(layer=0, heads=[9])], ranges=[pb.TokenRange(start=1, end=2)])], full_logit_positions=[-1]),
     "unknown variants[0].layer_heads[0] heads [9]"),
])
def test_bad_logits_requests_are_invalid_argument(stub, request_, fragment):
    error = _status(lambda: stub.Logits(request_))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert fragment in error.details()


def test_oversized_text_is_refused(stub, qwen):
    error = _status(lambda: stub.Tokenize(pb.TokenizeRequest(text="word " * (qwen.describe().max_tokens + 10))))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "at most" in error.details()


def test_message_over_the_size_limit_is_resource_exhausted(stub):
    error = _status(lambda: stub.Tokenize(pb.TokenizeRequest(text="x" * (65 << 20))))
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_cancelled_and_expired_calls_stop_and_the_worker_keeps_serving(stub, text):
    request = pb.AttentionRequest(input=pb.ModelInput(text=text * 3), mode=pb.AttentionRequest.RAW)
    call = stub.Attention(request)
    next(call)
    call.cancel()
    with pytest.raises(grpc.RpcError) as info:
        list(call)
    assert info.value.code() == grpc.StatusCode.CANCELLED
    error = _status(lambda: stub.Attention(request, timeout=0.05))
    assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert stub.Describe(pb.DescribeRequest()).num_layers == 4
    assert len(list(stub.Attention(_attention()))) == 4


def test_calls_beyond_the_waiting_bound_are_refused(stub, text):
    slow = pb.AttentionRequest(input=pb.ModelInput(text=text * 3), mode=pb.AttentionRequest.RAW)
    first = stub.Attention(slow)
    next(first)  # running, and held open: the client stops reading, so flow control stalls it
    queued = stub.Attention(slow)  # waits for the model (max_waiting=1)
    time.sleep(0.5)
    running = [first, queued]
    error = _status(lambda: stub.Attention(slow))
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and "busy" in error.details()
    for call in running:
        call.cancel()
    deadline = time.time() + 10
    while time.time() < deadline:  # slots free once the producers notice the cancellation
        try:
            assert len(list(stub.Attention(_attention()))) == 4
            break
        except grpc.RpcError as err:
            assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            time.sleep(0.1)
    else:
        pytest.fail("worker did not recover after cancellations")


def _admits_a_call_within(stub, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            return len(list(stub.Attention(_attention(), timeout=30))) == 4
        except grpc.RpcError as err:
            assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, err
            time.sleep(0.1)
    return False


class _Observed:
    """The real backend, with an event set whenever one of its attention passes has returned."""

    def __init__(self, backend):
        self.backend = backend
        self.finished = threading.Event()

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def attention(self, *args):
        self.backend.attention(*args)
        self.finished.set()


def test_a_call_cancelled_after_its_forward_finished_gives_its_slot_back(qwen, text):
    """The forward has finished, the stream queue is full, the client cancels: the slot must come back.

    With BDP probing off the client's stream window stays at 64 KiB, so messages of ~400 KB cross
    one per message the client reads: reading one at a time until the forward is done leaves the
    producer's queue full behind its last message. One slot (max_waiting=0) makes a leak visible
    at once; three rounds show that slots do not drain away either.
    """
    backend = _Observed(qwen)
    srv, port, _ = build_server(backend, "127.0.0.1:0", Limits(CHUNK, 64, 1), max_waiting=0)
    srv.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.http2.bdp_probe", 0)])
    stub = worker_pb2_grpc.ModelWorkerStub(channel)
    raw = pb.AttentionRequest(input=pb.ModelInput(text=text), mode=pb.AttentionRequest.RAW, layers=[0, 1])
    try:
        total = len(list(stub.Attention(raw, timeout=60)))
        for round_ in range(3):
            backend.finished.clear()
            call = stub.Attention(raw, timeout=60)
            read = 0
            while not backend.finished.wait(0.3):
                next(call)
                read += 1
            assert total - read >= 5, f"only {total - read} of {total} chunks unread: the queue was not full"
            call.cancel()
            assert _admits_a_call_within(stub, 10), (
                f"round {round_}: a call cancelled after {read} of its chunks, its forward done, "
                "still holds the worker's only admission slot")
    finally:
        channel.close()
        srv.stop(grace=None)


class _OutOfMemoryOnce:
    """The real backend, whose next attention pass fails as a device out of memory would."""

    def __init__(self, backend):
        self.backend = backend
        self.fail = True
        self.released = 0

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def attention(self, forward, emit, cancel):
        if self.fail:
            self.fail = False
            raise DeviceOutOfMemory("CUDA out of memory. Tried to allocate 2.00 GiB")
        self.backend.attention(forward, emit, cancel)

    def release_memory(self):
        self.released += 1
        self.backend.release_memory()


def test_device_out_of_memory_is_resource_exhausted_and_the_worker_keeps_serving(qwen):
    backend = _OutOfMemoryOnce(qwen)
    srv, port, _ = build_server(backend, "127.0.0.1:0", Limits(CHUNK, 64, 1), max_waiting=0)
    srv.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    stub = worker_pb2_grpc.ModelWorkerStub(channel)
    try:
        error = _status(lambda: stub.Attention(_attention(), timeout=60))
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert error.details().startswith("device out of memory: CUDA out of memory. Tried to allocate 2.00 GiB")
        assert "smaller query_block or batch_size" in error.details()
        assert backend.released == 1
        assert len(list(stub.Attention(_attention(), timeout=60))) == 4  # the only slot came back
    finally:
        channel.close()
        srv.stop(grace=None)


def test_the_hf_backend_reports_torch_out_of_memory_as_device_out_of_memory(qwen):
    def emit(layer, first_row, matrices):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 9.00 GiB\nmore detail")

    forward = AttentionPass(qwen.tokenize("x y z").ids, [0], [0], CaptureMode.RAW, [], None, 64)
    with pytest.raises(DeviceOutOfMemory, match=r"^CUDA out of memory. Tried to allocate 9.00 GiB$"):
        qwen.attention(forward, emit, threading.Event())


def test_health_and_reflection(server):
    channel = grpc.insecure_channel(server)
    health = health_pb2_grpc.HealthStub(channel)
    for name in ("", SERVICE_NAME):
        assert health.Check(health_pb2.HealthCheckRequest(service=name)).status == health_pb2.HealthCheckResponse.SERVING
    reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
    replies = reflection.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]))
    names = {s.name for s in next(replies).list_services_response.service}
    assert SERVICE_NAME in names and "grpc.health.v1.Health" in names
    channel.close()
