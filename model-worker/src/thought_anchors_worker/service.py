"""The gRPC servicer: the worker's verbs over one model backend.

The service sees the model only through the ``Backend`` protocol and the torch-free types of
``backend.py``; it imports nothing from a backend package, so the backend behind it is chosen
at start-up (``serve --backend NAME``) and changes nothing here.

Streaming calls run their forward pass on a producer thread that hands Arrow messages to
the gRPC generator through a small bounded queue: a slow client stalls the forward instead
of piling results up in memory, and a cancelled call (client cancel, deadline) sets an
event that aborts the forward at the next layer or chunk.

Admission bounds what a call may cost before it costs anything: Tokenize, Attention and
Logits are admitted (at most max_waiting + 1 at once; beyond that RESOURCE_EXHAUSTED
"worker busy" with a retry hint), then tokenise on the tokenizer lane and run their forward
on the model lane, one call per lane at a time. Text longer than max_tokens can need is
refused before any of that. No put or get on the stream queue waits without also watching
the call's end, so a call that ends at any moment gives its admission slot back.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import queue
import threading
import time
from typing import Callable, Iterator

import grpc

from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors.worker.v1 import worker_pb2_grpc
from thought_anchors_client import text_units

from . import __version__, arrow_codec, validation
from .backend import (Backend, Cancelled, CaptureMode, CompressedPositions, DeviceOutOfMemory, InvalidRequest, ModelInfo,
                      StopReason)

log = logging.getLogger(__name__)

_DONE = object()
_STARTED = object()  # the call's forward has begun: the handler sends the response headers
_STREAM_QUEUE_DEPTH = 4
# Trailing metadata of a busy refusal: about when to try again, in milliseconds (worker.proto).
RETRY_AFTER_KEY = "ta-retry-after-ms"
# Initial metadata of a streamed answer, sent when its forward starts: which worker is answering.
WORKER_KEY = "ta-worker"
# Prefix counting in batches of at most this many characters: a cancelled Tokenize stops between them.
_PREFIX_BATCH_CHARS = 1 << 20
# After tokenising at least this much text, freed heap is handed back to the system.
_TRIM_AFTER_CHARS = 1 << 20


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


class Admission:
    """At most `max_waiting` + 1 calls admitted at once; each admitted call tokenises on the tokenizer lane and
    runs its forward on the model lane, one call per lane at a time."""

    def __init__(self, max_waiting: int):
        self.max_waiting = max_waiting
        self.model = threading.Lock()
        self.tokenizer = threading.Lock()
        self._count = threading.Lock()
        self._admitted = 0
        self._forward_seconds = 1.0  # a running mean of forward durations: about when the next slot frees

    def reserve(self) -> bool:
        with self._count:
            if self._admitted >= self.max_waiting + 1:
                return False
            self._admitted += 1
            return True

    def release(self) -> None:
        with self._count:
            self._admitted -= 1

    def retry_after_ms(self) -> int:
        return int(min(max(self._forward_seconds, 0.05), 60.0) * 1000)

    def run(self, lane: threading.Lock, work: Callable[[], object], cancel: threading.Event):
        """Runs `work` holding `lane`; raises Cancelled if the call ends while it waits for it."""
        while not lane.acquire(timeout=0.05):
            if cancel.is_set():
                raise Cancelled()
        started = time.monotonic()
        try:
            return work()
        finally:
            lane.release()
            if lane is self.model:
                self._forward_seconds += 0.2 * (time.monotonic() - started - self._forward_seconds)


def wire_capabilities(model: ModelInfo) -> list[str]:
    """The backend's features, then its name and version (the convention worker.proto documents)."""
    return sorted(model.capabilities) + [f"backend.{model.backend}", f"backend.version:{model.backend_version}"]


class ModelWorkerService(worker_pb2_grpc.ModelWorkerServicer):
    def __init__(self, backend: Backend, limits: validation.Limits, max_waiting: int = 8):
        self.backend = backend
        self.limits = limits
        self.admission = Admission(max_waiting)
        self.name = ""  # host:port, set once the server is bound; sent as WORKER_KEY

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
        try:
            validation.check_text_length(self.backend.describe(), text, "text")
        except InvalidRequest as err:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(err))
        with self._admitted(context) as cancel:
            try:
                return self.admission.run(self.admission.tokenizer,
                                          lambda: self._tokenize(text, request.prefix_char_offsets, cancel), cancel)
            except InvalidRequest as err:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(err))
            except Cancelled:
                context.abort(grpc.StatusCode.CANCELLED, "call ended before its tokenisation")

    def _tokenize(self, text: str, offsets, cancel: threading.Event) -> pb.TokenizeResponse:
        units = text_units.utf16_positions(text)  # code point -> UTF-16 offset, the wire's unit
        limit = int(units[-1])
        bad = [o for o in offsets if not 0 <= o <= limit]
        if bad:
            raise InvalidRequest(f"prefix_char_offsets {bad[:5]} are outside the text's {limit} characters")
        ends = text_units.to_codepoint(text, offsets).tolist()
        with _returning_freed_heap(len(text) + sum(ends)):
            tokens = self.backend.tokenize(text)
            max_tokens = self.backend.describe().max_tokens
            if len(tokens.ids) > max_tokens:
                raise InvalidRequest(f"text has {len(tokens.ids)} tokens; this worker accepts at most {max_tokens}")
            return pb.TokenizeResponse(ids=tokens.ids, char_starts=units[tokens.char_starts].tolist(),
                                       char_ends=units[tokens.char_ends].tolist(),
                                       prefix_token_counts=self._prefix_counts(text, ends, cancel),
                                       tokens=tokens.tokens)

    def _prefix_counts(self, text: str, ends: list[int], cancel: threading.Event) -> list[int]:
        """Tokens of text[:end] for each end (0 for an empty prefix: not even BOS), counted in batches of bounded
        length, so a call that ends stops between them and only one batch of prefixes is held at a time."""
        counts = [0] * len(ends)
        todo = [i for i, end in enumerate(ends) if end > 0]
        first = 0
        while first < len(todo):
            last, chars = first, 0
            while last < len(todo) and (last == first or chars + ends[todo[last]] <= _PREFIX_BATCH_CHARS):
                chars += ends[todo[last]]
                last += 1
            if cancel.is_set():
                raise Cancelled()
            batch = todo[first:last]
            for i, count in zip(batch, self.backend.count_tokens([text[: ends[i]] for i in batch])):
                counts[i] = count
            first = last
        return counts

    # ------------------------------------------------------------------ streaming verbs

    def Attention(self, request, context):
        return self._stream(context, lambda: validation.attention(self.backend, request, self.limits),
                            self._attention)

    def _attention(self, args: validation.AttentionArgs, send) -> None:
        forward = args.forward
        raw = forward.mode is CaptureMode.RAW
        n = len(forward.ids)
        rows = n if raw else len(forward.pool_ranges)
        kind = pb.TensorChunk.ATTENTION_RAW if raw else pb.TensorChunk.ATTENTION_POOLED

        def emit(layer, first_row, matrices):
            for blob in arrow_codec.attention_chunks(layer, forward.heads, first_row, matrices, args.max_chunk_bytes):
                send(pb.TensorChunk(kind=kind, arrow_ipc=blob, num_tokens=n, rows=rows, cols=rows, layer=layer,
                                    layers_total=len(forward.layers)))

        self.backend.attention(forward, emit, send.cancel)

    def Logits(self, request, context):
        return self._stream(context, lambda: validation.logits(self.backend, request, self.limits), self._logits)

    def _logits(self, args: validation.LogitsArgs, send) -> None:
        emitter = _LogitsChunks(send, len(args.forward.ids), len(args.forward.variants), args.max_chunk_bytes)
        self.backend.logits(args.forward, emitter, send.cancel)

    def Generate(self, request, context):
        args = self._parse(validation.generate, request, context)
        return self._stream(context, lambda send: self._generate(args, send))

    def _generate(self, args: validation.GenerateArgs, send) -> None:
        send(pb.GenerateResponse(started=pb.GenerateStarted(prompt_text=args.prompt_text,
                                                            prompt_tokens=len(args.forward.ids))))
        emit = _GeneratedTokens(send)
        outcome = self.backend.generate(args.forward, emit, send.cancel)
        send(pb.GenerateResponse(finished=pb.GenerateFinished(stop_reason=_STOP_REASONS[outcome.stop_reason],
                                                              new_tokens=emit.count,
                                                              stop_string=outcome.stop_string or "")))

    # ------------------------------------------------------------------ plumbing

    def _reserve(self, context) -> threading.Event:
        """Takes an admission slot for the call, or refuses it busy with a retry hint. Returns the event set
        when the call ends for any reason (cancel, deadline, done); whoever holds the slot releases it."""
        if not self.admission.reserve():
            context.set_trailing_metadata(((RETRY_AFTER_KEY, str(self.admission.retry_after_ms())),))
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                          f"worker busy: {self.admission.max_waiting} calls already waiting; retry later")
        cancel = threading.Event()
        if not context.add_callback(cancel.set):  # False: the call has already ended
            cancel.set()
        return cancel

    @contextlib.contextmanager
    def _admitted(self, context) -> Iterator[threading.Event]:
        cancel = self._reserve(context)
        try:
            yield cancel
        finally:
            self.admission.release()

    def _stream(self, context, parse: Callable[[], object], work: Callable[[object, Callable], None]
                ) -> Iterator[pb.TensorChunk]:
        """Admits the call, then on a producer thread that holds its slot: parses (tokenising) on the tokenizer
        lane, runs `work` on the model lane; the chunks reach the client through a bounded queue."""
        cancel = self._reserve(context)
        items: queue.Queue = queue.Queue(maxsize=_STREAM_QUEUE_DEPTH)

        def send(message):
            if not _put(items, message, cancel):
                raise Cancelled()

        send.cancel = cancel

        def forward(args):
            send(_STARTED)
            work(args, send)

        def produce():
            try:
                args = self.admission.run(self.admission.tokenizer, parse, cancel)
                self.admission.run(self.admission.model, lambda: forward(args), cancel)
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
                if item is _STARTED:
                    context.send_initial_metadata(((WORKER_KEY, self.name),))
                    continue
                if isinstance(item, _Failure):
                    _abort_for(context, item.error)
                yield item
        finally:
            cancel.set()
            producer.join(timeout=30)


@contextlib.contextmanager
def _returning_freed_heap(chars: int):
    """After tokenising much text, hands the heap glibc keeps back to the system (measured: 430 MB of a
    10M-character prefix count stayed resident without it). A no-op elsewhere."""
    try:
        yield
    finally:
        if chars >= _TRIM_AFTER_CHARS and _MALLOC_TRIM is not None:
            _MALLOC_TRIM(0)


def _malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _malloc_trim()


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


_STOP_REASONS = {
    StopReason.EOS: pb.GenerateFinished.EOS,
    StopReason.STOP_TOKEN: pb.GenerateFinished.STOP_TOKEN,
    StopReason.STOP_STRING: pb.GenerateFinished.STOP_STRING,
    StopReason.MAX_NEW_TOKENS: pb.GenerateFinished.MAX_NEW_TOKENS,
}


class _GeneratedTokens:
    """The Generate stream's token emitter: each batch of new tokens as one message, counted for the last one."""

    def __init__(self, send):
        self.send = send
        self.count = 0

    def __call__(self, ids: list[int], pieces: list[str]) -> None:
        self.count += len(ids)
        self.send(pb.GenerateResponse(tokens=pb.GeneratedTokens(ids=ids, pieces=pieces)))


def _abort_for(context, error: BaseException):
    if isinstance(error, InvalidRequest):
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
    if isinstance(error, DeviceOutOfMemory):
        context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                      f"device out of memory: {error} — try a smaller query_block or batch_size")
    log.exception("forward failed", exc_info=error)
    context.abort(grpc.StatusCode.INTERNAL, f"{type(error).__name__}: {error}")
