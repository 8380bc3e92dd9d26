"""The gRPC servicer: four verbs over one model backend.

The service sees the model only through the ``Backend`` protocol and the torch-free types of
``backend.py``; it imports nothing from a backend package, so the backend behind it is chosen
at start-up (``serve --backend NAME``) and changes nothing here.

Streaming calls run their forward pass on a producer thread that hands Arrow messages to
the gRPC generator through a small bounded queue: a slow client stalls the forward instead
of piling results up in memory, and a cancelled call (client cancel, deadline) sets an
event that aborts the forward at the next layer or chunk. One forward runs at a time;
calls beyond the waiting bound are refused with RESOURCE_EXHAUSTED instead of running
the device out of memory. No put or get on that queue waits without also watching the
call's end, so a call that ends at any moment gives its admission slot back.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Callable, Iterator

import grpc

from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors.worker.v1 import worker_pb2_grpc
from thought_anchors_client import text_units

from . import __version__, arrow_codec, validation
from .backend import Backend, Cancelled, CaptureMode, CompressedPositions, DeviceOutOfMemory, InvalidRequest, ModelInfo

log = logging.getLogger(__name__)

_DONE = object()
_STREAM_QUEUE_DEPTH = 4


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


class Admission:
    """One forward at a time, at most `max_waiting` calls queued behind it."""

    def __init__(self, max_waiting: int):
        self.max_waiting = max_waiting
        self._model = threading.Lock()
        self._count = threading.Lock()
        self._waiting = 0

    def reserve(self) -> bool:
        with self._count:
            if self._waiting >= self.max_waiting + 1:
                return False
            self._waiting += 1
            return True

    def release(self) -> None:
        with self._count:
            self._waiting -= 1

    def run(self, work: Callable[[], None], cancel: threading.Event) -> None:
        while not self._model.acquire(timeout=0.05):
            if cancel.is_set():
                raise Cancelled()
        try:
            work()
        finally:
            self._model.release()


def wire_capabilities(model: ModelInfo) -> list[str]:
    """The backend's features, then its name and version (the convention worker.proto documents)."""
    return sorted(model.capabilities) + [f"backend.{model.backend}", f"backend.version:{model.backend_version}"]


class ModelWorkerService(worker_pb2_grpc.ModelWorkerServicer):
    def __init__(self, backend: Backend, limits: validation.Limits, max_waiting: int = 8):
        self.backend = backend
        self.limits = limits
        self.admission = Admission(max_waiting)

    # ------------------------------------------------------------------ unary verbs

    def Describe(self, request, context):
        model = self.backend.describe()
        return pb.DescribeResponse(
            model_id=model.model_id, architecture=model.architecture, num_layers=model.num_layers,
            num_query_heads=model.num_query_heads, num_kv_heads=model.num_kv_heads,
            kv_head_of_query_head=model.kv_head_of_query_head, head_dim=model.head_dim,
            vocab_size=model.vocab_size, bos_token_id=model.bos_token_id, dtype=model.dtype,
            attention_implementation=model.attention_implementation, devices=list(model.devices),
            max_tokens=model.max_tokens, worker_version=__version__, contract_version=pb.CONTRACT_VERSION_1,
            capabilities=wire_capabilities(model), synthetic_weights=model.synthetic_weights, notes=model.notes,
            max_chunk_bytes=self.limits.max_chunk_bytes,
        )

    def Tokenize(self, request, context):
        text = request.text
        if not text:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "text is empty")
        units = text_units.utf16_positions(text)  # code point -> UTF-16 offset, the wire's unit
        limit = int(units[-1])
        bad = [o for o in request.prefix_char_offsets if not 0 <= o <= limit]
        if bad:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          f"prefix_char_offsets {bad[:5]} are outside the text's {limit} characters")
        tokens = self.backend.tokenize(text)
        max_tokens = self.backend.describe().max_tokens
        if len(tokens.ids) > max_tokens:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          f"text has {len(tokens.ids)} tokens; this worker accepts at most {max_tokens}")
        prefixes = [text[:o] for o in text_units.to_codepoint(text, request.prefix_char_offsets).tolist()]
        counted = iter(self.backend.count_tokens([p for p in prefixes if p]))
        counts = [next(counted) if p else 0 for p in prefixes]  # an empty prefix has no tokens, not even BOS
        return pb.TokenizeResponse(ids=tokens.ids, char_starts=units[tokens.char_starts].tolist(),
                                   char_ends=units[tokens.char_ends].tolist(), prefix_token_counts=counts,
                                   tokens=tokens.tokens)

    # ------------------------------------------------------------------ streaming verbs

    def Attention(self, request, context):
        args = self._parse(validation.attention, request, context)
        forward = args.forward
        raw = forward.mode is CaptureMode.RAW
        n = len(forward.ids)
        rows = n if raw else len(forward.pool_ranges)
        kind = pb.TensorChunk.ATTENTION_RAW if raw else pb.TensorChunk.ATTENTION_POOLED

        def work(send):
            def emit(layer, first_row, matrices):
                for blob in arrow_codec.attention_chunks(layer, forward.heads, first_row, matrices,
                                                         args.max_chunk_bytes):
                    send(pb.TensorChunk(kind=kind, arrow_ipc=blob, num_tokens=n, rows=rows, cols=rows,
                                        layer=layer, layers_total=len(forward.layers)))

            self.backend.attention(forward, emit, send.cancel)

        return self._stream(context, work)

    def Logits(self, request, context):
        args = self._parse(validation.logits, request, context)
        n = len(args.forward.ids)
        total = len(args.forward.variants)

        def work(send):
            self.backend.logits(args.forward, _LogitsChunks(send, n, total, args.max_chunk_bytes), send.cancel)

        return self._stream(context, work)

    # ------------------------------------------------------------------ plumbing

    def _parse(self, parser, request, context):
        try:
            return parser(self.backend, request, self.limits)
        except InvalidRequest as err:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(err))

    def _stream(self, context, work) -> Iterator[pb.TensorChunk]:
        if not self.admission.reserve():
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                          f"worker busy: {self.admission.max_waiting} calls already waiting; retry later")
        cancel = threading.Event()
        # Runs when the RPC ends for any reason (cancel, deadline, done); False: it has already ended.
        if not context.add_callback(cancel.set):
            cancel.set()
        items: queue.Queue = queue.Queue(maxsize=_STREAM_QUEUE_DEPTH)

        def send(message):
            if not _put(items, message, cancel):
                raise Cancelled()

        send.cancel = cancel

        def produce():
            try:
                self.admission.run(lambda: work(send), cancel)
                _put(items, _DONE, cancel)
            except Cancelled:
                log.info("call cancelled; forward abandoned")
            except BaseException as error:  # reported to the client, the worker keeps serving
                _put(items, _Failure(error), cancel)
            finally:
                self.admission.release()
                self.backend.release_memory()

        producer = threading.Thread(target=produce, name="forward", daemon=True)
        try:
            producer.start()
        except BaseException:
            self.admission.release()
            raise
        try:
            while True:
                try:
                    item = items.get(timeout=0.1)
                except queue.Empty:
                    if not context.is_active():
                        return
                    continue
                if item is _DONE:
                    return
                if isinstance(item, _Failure):
                    _abort_for(context, item.error)
                yield item
        finally:
            cancel.set()
            producer.join(timeout=30)


def _put(items: queue.Queue, item, cancel: threading.Event) -> bool:
    """Waits for room while watching the call's end; False once it has ended (nobody will read the item)."""
    while not cancel.is_set():
        try:
            items.put(item, timeout=0.05)
            return True
        except queue.Full:
            continue
    return False


class _LogitsChunks:
    """The Logits stream's emitter: each variant's results as NUCLEUS and FULL_LOGITS chunks."""

    def __init__(self, send, num_tokens: int, variants_total: int, max_chunk_bytes: int):
        self.send = send
        self.num_tokens = num_tokens
        self.variants_total = variants_total
        self.max_chunk_bytes = max_chunk_bytes
        self.first: dict[int, int] = {}  # variant -> its first shipped position (parts arrive in position order)

    def nucleus(self, variant: int, part: CompressedPositions) -> None:
        first = self.first.setdefault(variant, part.first_position)
        for blob in arrow_codec.nucleus_chunks(variant, part.first_position, part.counts, part.token_ids,
                                               part.logits, part.retained, self.max_chunk_bytes):
            self.send(pb.TensorChunk(kind=pb.TensorChunk.NUCLEUS, arrow_ipc=blob, num_tokens=self.num_tokens,
                                     variant=variant, variants_total=self.variants_total, first_position=first))

    def full(self, variant: int, first_position: int, positions: list[int], logits) -> None:
        for blob in arrow_codec.full_logits_chunks(variant, positions, logits, self.max_chunk_bytes):
            self.send(pb.TensorChunk(kind=pb.TensorChunk.FULL_LOGITS, arrow_ipc=blob, num_tokens=self.num_tokens,
                                     variant=variant, variants_total=self.variants_total,
                                     first_position=first_position))


def _abort_for(context, error: BaseException):
    if isinstance(error, InvalidRequest):
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
    if isinstance(error, DeviceOutOfMemory):
        context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                      f"device out of memory: {error} — try a smaller query_block or batch_size")
    log.exception("forward failed", exc_info=error)
    context.abort(grpc.StatusCode.INTERNAL, f"{type(error).__name__}: {error}")
