"""The gRPC servicer: four verbs over one loaded model.

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
import torch

from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors.worker.v1 import worker_pb2_grpc

from . import __version__, arrow_codec, attention, validation
from .attention import Cancelled
from .models import SYNTHETIC_NOTE, LoadedModel
from .passes import LogitsRunner, PooledSink, RawSink, run_attention

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


class ModelWorkerService(worker_pb2_grpc.ModelWorkerServicer):
    def __init__(self, lm: LoadedModel, limits: validation.Limits, max_waiting: int = 8):
        self.lm = lm
        self.limits = limits
        self.admission = Admission(max_waiting)

    # ------------------------------------------------------------------ unary verbs

    def Describe(self, request, context):
        lm = self.lm
        capabilities = ["tokenize.offsets", "tokenize.prefix_counts", "attention.raw", "attention.pooled",
                        "suppression.all_heads", "suppression.per_head", "logits.nucleus", "logits.full",
                        "logits.prefix_reuse", "logits.batched_variants"]
        return pb.DescribeResponse(
            model_id=lm.model_id, architecture=type(lm.model).__name__, num_layers=lm.num_layers,
            num_query_heads=lm.num_query_heads, num_kv_heads=lm.num_kv_heads,
            kv_head_of_query_head=lm.kv_head_of_query_head(), head_dim=lm.head_dim,
            vocab_size=lm.vocab_size, bos_token_id=lm.bos_token_id, dtype=str(lm.dtype).removeprefix("torch."),
            attention_implementation=attention.DESCRIPTION, devices=lm.devices(), max_tokens=lm.max_tokens,
            worker_version=__version__, contract_version=pb.CONTRACT_VERSION_1, capabilities=capabilities,
            synthetic_weights=lm.synthetic, notes=SYNTHETIC_NOTE if lm.synthetic else "",
            max_chunk_bytes=self.limits.max_chunk_bytes,
        )

    def Tokenize(self, request, context):
        text = request.text
        if not text:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "text is empty")
        to_cp = validation.utf16_to_codepoint(text)
        to_u16 = validation.codepoint_to_utf16(text)
        limit = to_u16(len(text))
        bad = [o for o in request.prefix_char_offsets if not 0 <= o <= limit]
        if bad:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          f"prefix_char_offsets {bad[:5]} are outside the text's {limit} characters")
        encoding = self.lm.tokenizer(text, return_offsets_mapping=True)
        ids = encoding["input_ids"]
        if len(ids) > self.lm.max_tokens:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          f"text has {len(ids)} tokens; this worker accepts at most {self.lm.max_tokens}")
        starts = [to_u16(s) for s, _ in encoding["offset_mapping"]]
        ends = [to_u16(e) for _, e in encoding["offset_mapping"]]
        prefixes = [text[: to_cp(o)] for o in request.prefix_char_offsets]
        nonempty = [p for p in prefixes if p]
        counted = iter(len(x) for x in self.lm.tokenizer(nonempty)["input_ids"]) if nonempty else iter(())
        counts = [next(counted) if p else 0 for p in prefixes]
        return pb.TokenizeResponse(ids=ids, char_starts=starts, char_ends=ends, prefix_token_counts=counts,
                                   tokens=self.lm.tokenizer.convert_ids_to_tokens(ids))

    # ------------------------------------------------------------------ streaming verbs

    def Attention(self, request, context):
        args = self._parse(validation.attention, request, context)
        raw = args.mode == pb.AttentionRequest.RAW
        n = len(args.ids)
        rows = n if raw else len(args.pool_ranges)
        kind = pb.TensorChunk.ATTENTION_RAW if raw else pb.TensorChunk.ATTENTION_POOLED

        def work(send):
            def chunks(layer, first_row, matrices):
                for blob in arrow_codec.attention_chunks(layer, args.heads, first_row, matrices, args.max_chunk_bytes):
                    send(pb.TensorChunk(kind=kind, arrow_ipc=blob, num_tokens=n, rows=rows, cols=rows,
                                        layer=layer, layers_total=len(args.layers)))

            if raw:
                sink = RawSink(args.heads, self.lm.num_query_heads, n, self.lm.device, chunks)
            else:
                sink = PooledSink(args.heads, self.lm.num_query_heads, args.pool_ranges, n, self.lm.device,
                                  lambda layer, pooled: chunks(layer, 0, pooled))
            run_attention(self.lm, args.ids, args.layers, sink, args.suppression, args.query_block, send.cancel)

        return self._stream(context, work)

    def Logits(self, request, context):
        args = self._parse(validation.logits, request, context)
        n = len(args.ids)
        total = len(args.variants)

        def work(send):
            service = self

            class Emitter:
                def __init__(self):
                    self.first = {}  # variant -> its first shipped position (parts arrive in position order)

                def nucleus(self, variant, part):
                    first = self.first.setdefault(variant, part.first_position)
                    for blob in arrow_codec.nucleus_chunks(variant, part.first_position, part.counts, part.token_ids,
                                                           part.logits, part.retained, args.max_chunk_bytes):
                        send(pb.TensorChunk(kind=pb.TensorChunk.NUCLEUS, arrow_ipc=blob, num_tokens=n,
                                            variant=variant, variants_total=total, first_position=first))

                def full(self, variant, positions, logits):
                    for blob in arrow_codec.full_logits_chunks(variant, positions, logits, args.max_chunk_bytes):
                        send(pb.TensorChunk(kind=pb.TensorChunk.FULL_LOGITS, arrow_ipc=blob, num_tokens=n,
                                            variant=variant, variants_total=total))

                def variant_done(self, variant):
                    pass

            LogitsRunner(service.lm, args.ids, args.nucleus, args.full_positions, Emitter(), send.cancel).run(
                args.variants, args.full_recompute, args.batch_size)

        return self._stream(context, work)

    # ------------------------------------------------------------------ plumbing

    def _parse(self, parser, request, context):
        try:
            return parser(self.lm, request, self.limits)
        except validation.InvalidRequest as err:
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
            while True:
                if cancel.is_set():
                    raise Cancelled()
                try:
                    items.put(message, timeout=0.05)
                    return
                except queue.Full:
                    continue

        send.cancel = cancel

        def produce():
            try:
                self.admission.run(lambda: work(send), cancel)
                _put_final(items, _DONE, cancel)
            except Cancelled:
                log.info("call cancelled; forward abandoned")
            except BaseException as error:  # reported to the client, the worker keeps serving
                _put_final(items, _Failure(error), cancel)
            finally:
                self.admission.release()
                if torch.cuda.is_available():
                    torch.cuda.empty_cache()

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


def _put_final(items: queue.Queue, item, cancel: threading.Event) -> None:
    """The producer's last message; given up once the call has ended (nobody will read it)."""
    while not cancel.is_set():
        try:
            items.put(item, timeout=0.05)
            return
        except queue.Full:
            continue


def _abort_for(context, error: BaseException):
    if isinstance(error, validation.InvalidRequest):
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
    if isinstance(error, torch.OutOfMemoryError):
        context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                      f"device out of memory: {str(error).splitlines()[0]} — try a smaller query_block or batch_size")
    log.exception("forward failed", exc_info=error)
    context.abort(grpc.StatusCode.INTERNAL, f"{type(error).__name__}: {error}")
