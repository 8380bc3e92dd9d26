"""A fake worker on loopback (an in-process gRPC server) sends scripted replies: a well-formed stream decodes to
the arrays it encodes, every way of breaking the contract is a clear `ContractViolation`, statuses arrive as the
documented exceptions. Chunks are encoded here with pyarrow, as worker.proto documents them."""

from __future__ import annotations

import re
import time
from concurrent import futures

import grpc
import numpy as np
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
import pyarrow as pa
import pytest

import thought_anchors_client as ta
from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors.worker.v1 import worker_pb2_grpc

LAYERS, HEADS, VOCAB, N = 2, 3, 50, 6


def _ipc(columns: dict) -> bytes:
    batch = pa.record_batch(columns)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def _i32(values) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int32))


def attention_chunk(layer: int, heads, matrix_rows, values: np.ndarray, **header) -> pb.TensorChunk:
    """One chunk of POOLED attention; `values` is [len(matrix_rows), cols]."""
    cols = values.shape[1]
    blob = _ipc({"layer": _i32([layer] * len(matrix_rows)), "head": _i32(heads), "row": _i32(matrix_rows),
                 "values": pa.FixedSizeListArray.from_arrays(pa.array(values.reshape(-1).astype(np.float32)), cols)})
    fields = dict(kind=pb.TensorChunk.ATTENTION_POOLED, num_tokens=N, rows=cols, cols=cols, layer=layer,
                  layers_total=LAYERS)
    fields.update(header)
    return pb.TensorChunk(arrow_ipc=blob, **fields)


def pooled_stream(matrices: np.ndarray) -> list[pb.TensorChunk]:
    """matrices [layers, heads, n, n] as two chunks per layer (heads split), layers ascending."""
    chunks = []
    n = matrices.shape[-1]
    for layer in range(matrices.shape[0]):
        for head_group in ([0, 1], [2]):
            heads = np.repeat(head_group, n)
            rows = np.tile(np.arange(n), len(head_group))
            chunks.append(attention_chunk(layer, heads, rows, matrices[layer, head_group].reshape(-1, n)))
    return chunks


def nucleus_chunk(variant: int, positions, kept: list[list[int]], first: int, total: int = 2,
                  **header) -> pb.TensorChunk:
    offsets = _i32(np.concatenate([[0], np.cumsum([len(k) for k in kept])]))
    ids = _i32([i for k in kept for i in k])
    logits = pa.array(np.linspace(5, 1, len(ids)).astype(np.float32))
    blob = _ipc({"variant": _i32([variant] * len(positions)), "position": _i32(positions),
                 "retained_mass": pa.array(np.full(len(positions), 0.9, dtype=np.float32)),
                 "token_ids": pa.ListArray.from_arrays(offsets, ids), "logits": pa.ListArray.from_arrays(offsets, logits)})
    fields = dict(kind=pb.TensorChunk.NUCLEUS, num_tokens=N, variant=variant, variants_total=total,
                  first_position=first)
    fields.update(header)
    return pb.TensorChunk(arrow_ipc=blob, **fields)


def full_chunk(variant: int, positions, first: int, total: int = 2) -> pb.TensorChunk:
    values = np.arange(len(positions) * VOCAB, dtype=np.float32).reshape(len(positions), VOCAB)
    blob = _ipc({"variant": _i32([variant] * len(positions)), "position": _i32(positions),
                 "logits": pa.FixedSizeListArray.from_arrays(pa.array(values.reshape(-1)), VOCAB)})
    return pb.TensorChunk(kind=pb.TensorChunk.FULL_LOGITS, arrow_ipc=blob, num_tokens=N, variant=variant,
                          variants_total=total, first_position=first)


def logits_stream() -> list[pb.TensorChunk]:
    """Baseline (variant 0) and a variant suppressing [3, 5) shipped from position 3, nucleus and full at -1."""
    return [nucleus_chunk(0, range(0, 4), [[1, 2], [3], [4, 5, 6], [7]], 0),
            nucleus_chunk(0, range(4, 6), [[8], [9, 10]], 0),
            full_chunk(0, [N - 1], 0),
            nucleus_chunk(1, range(3, 6), [[11], [12, 13], [14]], 3),
            full_chunk(1, [N - 1], 3)]


class FakeWorker(worker_pb2_grpc.ModelWorkerServicer):
    def __init__(self):
        self.chunks: list[pb.TensorChunk] = []
        self.abort: tuple[grpc.StatusCode, str] | None = None
        self.contract_version = pb.CONTRACT_VERSION_1

    def Describe(self, request, context):
        return pb.DescribeResponse(model_id="fake", num_layers=LAYERS, num_query_heads=HEADS, num_kv_heads=HEADS,
                                   kv_head_of_query_head=range(HEADS), vocab_size=VOCAB,
                                   contract_version=self.contract_version)

    def _stream(self, context):
        yield from self.chunks
        if self.abort:
            context.abort(*self.abort)

    def Attention(self, request, context):
        yield from self._stream(context)

    def Logits(self, request, context):
        yield from self._stream(context)


@pytest.fixture(scope="module")
def fake():
    servicer = FakeWorker()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    worker_pb2_grpc.add_ModelWorkerServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield servicer, f"127.0.0.1:{port}"
    server.stop(grace=None)


@pytest.fixture
def worker(fake):
    servicer, address = fake
    servicer.chunks, servicer.abort, servicer.contract_version = [], None, pb.CONTRACT_VERSION_1
    with ta.connect(address) as client:
        yield servicer, client


RANGES = [(1, 3), (3, 5), (5, 6)]


def _pooled(client):
    return client.attention(list(range(N)), ta.POOLED, pool_ranges=RANGES)


def test_a_well_formed_attention_stream_decodes_to_its_matrices(worker):
    servicer, client = worker
    matrices = np.random.default_rng(0).random((LAYERS, HEADS, 3, 3), dtype=np.float32)
    servicer.chunks = pooled_stream(matrices)
    assert np.array_equal(_pooled(client), matrices)


def _broken(transform):
    matrices = np.zeros((LAYERS, HEADS, 3, 3), dtype=np.float32)
    return transform(pooled_stream(matrices))


@pytest.mark.parametrize("transform, message", [
    (lambda c: c[:-1], "layers [1] incomplete"),
    (lambda c: c[2:] + c[:2], "layer 1 arrived instead of layer 0"),
    (lambda c: [c[0], c[2], c[1], c[3]], "layer 1 began before layer 0 was complete"),
    (lambda c: c + [c[3]], "after every requested layer was complete"),
    (lambda c: [c[0], c[0]] + c[1:], "sent twice"),
    (lambda c: [attention_chunk(0, [0], [0], np.zeros((1, 3)), rows=4, cols=4)] + c, "matrix shape 4x4, expected 3x3"),
    (lambda c: [attention_chunk(0, [0], [0], np.zeros((1, 3)), kind=pb.TensorChunk.ATTENTION_RAW)], "chunk kind"),
    (lambda c: [attention_chunk(0, [7], [0], np.zeros((1, 3)))], "head 7 was not asked for"),
    (lambda c: [attention_chunk(0, [0], [3], np.zeros((1, 3)))], "row 3 outside [0, 3)"),
    (lambda c: [attention_chunk(0, [0], [0], np.zeros((1, 3)), num_tokens=9)], "num_tokens 9 for 6 input tokens"),
    (lambda c: [attention_chunk(0, [0], [0], np.zeros((1, 3)), layers_total=5)], "layers_total 5"),
    (lambda c: [pb.TensorChunk(kind=pb.TensorChunk.ATTENTION_POOLED, arrow_ipc=b"not arrow", num_tokens=N, rows=3,
                               cols=3, layers_total=LAYERS)], "unreadable Arrow IPC stream"),
    (lambda c: [pb.TensorChunk(kind=pb.TensorChunk.ATTENTION_POOLED, num_tokens=N, rows=3, cols=3,
                               layers_total=LAYERS, arrow_ipc=_ipc({"layer": _i32([0]), "head": _i32([0]),
                                                                    "row": _i32([0]), "values": pa.array([1.0])}))],
     "column 'values' should be fixed_size_list"),
])
def test_a_broken_attention_stream_is_a_contract_violation(worker, transform, message):
    servicer, client = worker
    servicer.chunks = _broken(transform)
    with pytest.raises(ta.ContractViolation, match=re.escape(message)) as info:
        _pooled(client)
    assert info.value.code is None and str(info.value).startswith("Attention: ")


def test_a_violation_names_the_chunk_it_was_found_in(worker):
    servicer, client = worker
    chunks = _broken(lambda c: c)
    servicer.chunks = chunks[:2] + [chunks[1]]
    with pytest.raises(ta.ContractViolation, match="chunk 2: layer 0 arrived"):
        _pooled(client)


def test_a_well_formed_logits_stream_fills_the_variants_prefix_from_the_baseline(worker):
    servicer, client = worker
    servicer.chunks = logits_stream()
    result = client.logits(list(range(N)), [ta.BASELINE, ta.Suppression([(3, 5)])], nucleus=ta.NucleusSpec(max_k=4),
                           full_positions=[-1])
    base, suppressed = result
    assert suppressed.first_position == 3
    assert [list(suppressed.nucleus.ids_at(p)) for p in range(N)] == [[1, 2], [3], [4, 5, 6], [11], [12, 13], [14]]
    assert [list(base.nucleus.ids_at(p)) for p in range(N)] == [[1, 2], [3], [4, 5, 6], [7], [8], [9, 10]]
    assert np.array_equal(suppressed.full_at(-1), np.arange(VOCAB, dtype=np.float32))


@pytest.mark.parametrize("transform, message", [
    (lambda c: c[:-1], "stream ended before variant 1 was complete"),
    (lambda c: c[:3], "no chunk of it arrived"),
    (lambda c: [c[0], c[3], c[1], c[2], c[4]], "variant 1 began before variant 0 was complete"),
    (lambda c: c[:3] + [c[3], nucleus_chunk(0, [9], [[1]], 0)], "resumed"),
    (lambda c: [c[1]] + c, "nucleus row for position 4, expected 0"),
    (lambda c: c[:3] + [nucleus_chunk(1, range(4, 7), [[1], [1], [1]], 4)], "first_position 4, expected 0..3"),
    (lambda c: c[:3] + [nucleus_chunk(1, range(3, 6), [[1], [1, 2, 3, 4, 5], [1]], 3)], "keeps 5 tokens"),
    (lambda c: c[:3] + [nucleus_chunk(1, range(3, 6), [[1], [VOCAB], [1]], 3)], "outside the vocabulary"),
    (lambda c: c[:2] + [full_chunk(0, [2], 0)], "full logits at position 2 were not asked for"),
    (lambda c: c[:3] + [full_chunk(0, [N - 1], 0)], "sent twice"),
    (lambda c: [nucleus_chunk(0, range(0, 4), [[1], [1], [1], [1]], 0, total=3)], "variants_total 3"),
    (lambda c: [c[0], nucleus_chunk(0, range(4, 6), [[1], [1]], 2)], "first_position changed from 0 to 2"),
    (lambda c: [c[0], attention_chunk(0, [0], [0], np.zeros((1, 3)), variants_total=2)], "in a Logits stream"),
])
def test_a_broken_logits_stream_is_a_contract_violation(worker, transform, message):
    servicer, client = worker
    servicer.chunks = transform(logits_stream())
    with pytest.raises(ta.ContractViolation, match=re.escape(message)):
        client.logits(list(range(N)), [ta.BASELINE, ta.Suppression([(3, 5)])], nucleus=ta.NucleusSpec(max_k=4),
                      full_positions=[-1])


@pytest.mark.parametrize("code, error", [
    (grpc.StatusCode.INVALID_ARGUMENT, ta.InvalidArgumentError),
    (grpc.StatusCode.RESOURCE_EXHAUSTED, ta.ResourceExhaustedError),
    (grpc.StatusCode.INTERNAL, ta.WorkerError),
])
def test_a_status_after_some_chunks_is_raised_with_its_message(worker, code, error):
    servicer, client = worker
    servicer.chunks = _broken(lambda c: c[:2])
    servicer.abort = (code, "the worker's own words")
    with pytest.raises(error) as info:
        _pooled(client)
    assert type(info.value) is error and info.value.code == code
    assert info.value.details == "the worker's own words" and "Attention" in str(info.value)


class Tagged(worker_pb2_grpc.ModelWorkerServicer):
    """Answers Tokenize with its own tag as the only id: the tag says which server answered."""

    def __init__(self, tag: int):
        self.tag = tag

    def Tokenize(self, request, context):
        return pb.TokenizeResponse(ids=[self.tag], char_starts=[0], char_ends=[0], tokens=["<tag>"])


def test_round_robin_skips_workers_their_health_service_reports_not_serving():
    servers, addresses, health_services = [], [], []
    try:
        for tag in (1, 2, 3):
            server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
            worker_pb2_grpc.add_ModelWorkerServicer_to_server(Tagged(tag), server)
            service = health.HealthServicer()
            service.set("", health_pb2.HealthCheckResponse.NOT_SERVING if tag == 2 else
                        health_pb2.HealthCheckResponse.SERVING)
            health_pb2_grpc.add_HealthServicer_to_server(service, server)
            addresses.append(f"127.0.0.1:{server.add_insecure_port('127.0.0.1:0')}")
            server.start()
            servers.append(server)
            health_services.append(service)
        with ta.connect(addresses) as client:
            seen = [int(client.tokenize("x").ids[0]) for _ in range(30)]
            assert set(seen) == {1, 3}  # both serving workers share the calls, the other gets none
            health_services[1].set("", health_pb2.HealthCheckResponse.SERVING)
            for _ in range(100):  # health updates stream to the client; bounded wait for the change
                if int(client.tokenize("x").ids[0]) == 2:
                    break
                time.sleep(0.02)
            else:
                pytest.fail("a worker back to SERVING got no call")
    finally:
        for server in servers:
            server.stop(grace=None)


def test_another_contract_version_is_refused(worker):
    servicer, client = worker
    servicer.contract_version = 2
    with pytest.raises(ta.ContractViolation, match="contract version 2"):
        client.describe()
