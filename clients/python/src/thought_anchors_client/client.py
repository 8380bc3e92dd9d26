"""`connect()` and the `Client`: the worker's four verbs with NumPy in and out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Literal, TypeVar

import grpc
import numpy as np

from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors.worker.v1 import worker_pb2_grpc

from . import channel, text_units
from .errors import ContractViolation, from_rpc_error
from .streams import AttentionAssembler, LogitsAssembler, StreamError, with_baseline_prefix
from .types import (BASELINE, LogitsResult, Mode, ModelInfo, NucleusSpec, Suppression, Tokenization)

CONTRACT_VERSION = pb.CONTRACT_VERSION_1

ModelInput = str | Sequence[int] | np.ndarray
"""Text (the worker tokenises it, BOS added) or token ids (used as given, BOS included if wanted)."""

T = TypeVar("T")


def connect(addresses: str | Sequence[str], *, unary_timeout: float = 60.0, stream_timeout: float = 7200.0,
            max_attempts: int = 4, initial_backoff: float = 0.2, max_backoff: float = 5.0,
            max_message_bytes: int = 64 << 20) -> Client:
    """A client of the workers at `addresses`: `"host:port"`, `"h1:p1,h2:p2"`, a list of them, or a gRPC
    target such as `"dns:///workers:50051"`. Several workers (all serving the same model) share the calls
    round-robin; workers reported NOT_SERVING by their health service are skipped.

    Connects lazily (the first call dials). Timeouts are in seconds: `unary_timeout` bounds Describe and
    Tokenize, `stream_timeout` Attention and Logits (long: a suppression sweep takes minutes); every verb
    also takes its own `timeout`. Calls finding a worker UNAVAILABLE are retried up to `max_attempts` in
    all, backing off from `initial_backoff` (doubling) to `max_backoff` seconds. `max_message_bytes` bounds
    each message either way (the worker chunks replies at 3 MiB by default).
    """
    if not (unary_timeout > 0 and stream_timeout > 0):
        raise ValueError(f"timeouts must be positive, got {unary_timeout}, {stream_timeout}")
    settings = channel.ChannelSettings(max_attempts, initial_backoff, max_backoff, max_message_bytes)
    target = channel.target(addresses)
    return Client(channel.open_channel(target, settings), target, unary_timeout, stream_timeout)


class Client:
    """The worker's verbs over one channel (made by `connect`, which checks the settings). Use as a context
    manager (or call `close()`) to release the channel.

    Thread-safe (gRPC channels are); the Describe answer is fetched once and cached, since every
    streamed reply is checked against it.
    """

    def __init__(self, grpc_channel: grpc.Channel, target: str, unary_timeout: float, stream_timeout: float):
        self._channel = grpc_channel
        self._stub = worker_pb2_grpc.ModelWorkerStub(grpc_channel)
        self.target = target
        self.unary_timeout = unary_timeout
        self.stream_timeout = stream_timeout
        self._info: ModelInfo | None = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Closes the channel; calls still running fail with `CallCancelledError`."""
        self._channel.close()

    # ------------------------------------------------------------------ unary verbs

    def describe(self) -> ModelInfo:
        """What the worker serves. Raises `ContractViolation` for a worker of another contract version."""
        if self._info is None:
            r = self._unary("Describe", lambda t: self._stub.Describe(pb.DescribeRequest(), timeout=t), None)
            if r.contract_version != CONTRACT_VERSION:
                raise ContractViolation("Describe", f"worker speaks contract version {r.contract_version}, "
                                                    f"this client speaks {CONTRACT_VERSION}")
            self._info = ModelInfo(
                r.model_id, r.architecture, r.num_layers, r.num_query_heads, r.num_kv_heads,
                tuple(r.kv_head_of_query_head), r.head_dim, r.vocab_size, r.bos_token_id, r.dtype,
                r.attention_implementation, tuple(r.devices), r.max_tokens, r.worker_version, r.contract_version,
                frozenset(r.capabilities), r.synthetic_weights, r.notes, r.max_chunk_bytes)
        return self._info

    def tokenize(self, text: str, prefix_char_offsets: Sequence[int] | np.ndarray = (), *,
                 units: Literal["utf16", "codepoint"] = "utf16", timeout: float | None = None) -> Tokenization:
        """Token ids of `text` as the model sees them (BOS included), each token's character span, and for
        each prefix offset o the number of tokens of text[:o] (special tokens counted, 0 for o = 0).

        `units` says how `prefix_char_offsets` count characters: "utf16" (the wire's unit, UTF-16 code units,
        as Java strings count) or "codepoint" (Python `str` indices). They differ only after characters outside
        the Basic Multilingual Plane. The answer carries spans in both units.
        """
        offsets = np.asarray(prefix_char_offsets, dtype=np.int64)
        if units == "codepoint":
            offsets = text_units.to_utf16(text, offsets)
        elif units != "utf16":
            raise ValueError(f"units must be 'utf16' or 'codepoint', got {units!r}")
        request = pb.TokenizeRequest(text=text, prefix_char_offsets=offsets.tolist())
        r = self._unary("Tokenize", lambda t: self._stub.Tokenize(request, timeout=t), timeout)
        n = len(r.ids)
        if not (len(r.char_starts) == len(r.char_ends) == len(r.tokens) == n):
            raise ContractViolation("Tokenize", f"{n} ids but {len(r.char_starts)} starts, {len(r.char_ends)} ends, "
                                                f"{len(r.tokens)} token strings")
        if len(r.prefix_token_counts) != len(offsets):
            raise ContractViolation("Tokenize", f"{len(r.prefix_token_counts)} prefix counts for {len(offsets)} "
                                                "prefix offsets")
        starts = np.asarray(r.char_starts, dtype=np.int32)
        ends = np.asarray(r.char_ends, dtype=np.int32)
        try:
            codepoint_starts, codepoint_ends = text_units.to_codepoint(text, starts), text_units.to_codepoint(text, ends)
        except ValueError as error:
            raise ContractViolation("Tokenize", f"token spans outside the text: {error}") from None
        return Tokenization(np.asarray(r.ids, dtype=np.int32), tuple(r.tokens), starts, ends, codepoint_starts,
                            codepoint_ends, np.asarray(r.prefix_token_counts, dtype=np.int32))

    # ------------------------------------------------------------------ streaming verbs

    def attention(self, input: ModelInput, mode: Mode = Mode.POOLED, *, layers: Sequence[int] | None = None,
                  heads: Sequence[int] | None = None, pool_ranges: Sequence[tuple[int, int]] | None = None,
                  suppression: Suppression | None = None, query_block: int = 0, max_chunk_bytes: int = 0,
                  timeout: float | None = None) -> np.ndarray:
        """Post-softmax attention as float32 [layers, heads, rows, cols].

        Axes: the requested `layers` in ascending order (None or empty = all), `heads` (query heads) in the order
        given (None or empty = all); rows are query positions, columns key positions. RAW: token-level probabilities,
        rows = cols = N (BOS included), each row sums to 1 over its causal part. POOLED: block means over
        `pool_ranges` (sorted, disjoint, half-open token ranges), M[i, j] = mean of A over rows in range i and
        columns in range j; an empty range gives NaN rows and columns. `suppression` masks key ranges before
        the softmax. See `attention_layers` to receive one layer at a time.
        """
        info = self.describe()
        out: np.ndarray | None = None
        count = len(_layers_of(info, layers))
        for i, (_, values) in enumerate(self.attention_layers(input, mode, layers=layers, heads=heads,
                                                              pool_ranges=pool_ranges, suppression=suppression,
                                                              query_block=query_block,
                                                              max_chunk_bytes=max_chunk_bytes, timeout=timeout)):
            if out is None:
                out = np.empty((count, *values.shape), dtype=np.float32)
            out[i] = values
        return out

    def attention_layers(self, input: ModelInput, mode: Mode = Mode.POOLED, *, layers: Sequence[int] | None = None,
                         heads: Sequence[int] | None = None, pool_ranges: Sequence[tuple[int, int]] | None = None,
                         suppression: Suppression | None = None, query_block: int = 0, max_chunk_bytes: int = 0,
                         timeout: float | None = None) -> Iterator[tuple[int, np.ndarray]]:
        """As `attention`, streamed: yields (layer, float32 [heads, rows, cols]) as each layer completes, so only
        one layer is held. Leaving the loop early cancels the call, which stops the forward on the worker."""
        info = self.describe()
        asked_heads = [int(h) for h in heads] if heads is not None else []  # empty = all, as on the wire
        ranges = [(int(s), int(e)) for s, e in (pool_ranges or ())]
        request = pb.AttentionRequest(input=_model_input(input), mode=mode.value,
                                      layers=[int(layer) for layer in layers or ()], heads=asked_heads,
                                      pool_ranges=[pb.TokenRange(start=s, end=e) for s, e in ranges],
                                      query_block=query_block, max_chunk_bytes=max_chunk_bytes)
        if suppression is not None:
            request.suppression.CopyFrom(suppression.to_proto())
        assembler = AttentionAssembler(mode, _layers_of(info, layers), asked_heads or range(info.num_query_heads),
                                       len(ranges), _token_count(input), info)

        def assemble(chunks: Iterable[pb.TensorChunk]) -> Iterator[tuple[int, np.ndarray]]:
            for chunk in chunks:
                done = assembler.accept(chunk)
                if done is not None:
                    yield done
            assembler.finish()

        return self._stream("Attention", lambda t: self._stub.Attention(request, timeout=t), timeout, assemble)

    def logits(self, input: ModelInput, variants: Sequence[Suppression], *, nucleus: NucleusSpec | None = None,
               full_positions: Sequence[int] = (), full_recompute: bool = False, batch_size: int = 0,
               max_chunk_bytes: int = 0, timeout: float | None = None) -> LogitsResult:
        """Logits per suppression variant (one forward each; `BASELINE`, an empty `Suppression`, for none).

        `nucleus`: each variant's nucleus-compressed logits at every position 0..N-1 (CSR, see `Nucleus`).
        `full_positions`: positions whose raw float32 [V] logits are returned; negative counts from the end.
        Prefix reuse (default): a variant whose earliest suppressed token is a cannot change positions < a, so
        the worker computes only positions >= a and the client fills the nucleus's earlier positions from the
        baseline's — from a baseline variant of the call, or (with a nucleus and no baseline among `variants`)
        one the client adds to the request and drops from the answer. `full_recompute=True` computes every
        position of every variant (parity checks). `batch_size`: variants per forward on the worker (0 = its
        default).
        """
        info = self.describe()
        variants = list(variants)
        if not variants:
            raise ValueError("variants is empty: pass [BASELINE] for the unsuppressed logits")
        wire = list(variants)
        if (nucleus is not None and not full_recompute and not any(v.is_baseline for v in variants)):
            wire.append(BASELINE)
        request = pb.LogitsRequest(input=_model_input(input), variants=[v.to_proto() for v in wire],
                                   full_logit_positions=[int(p) for p in full_positions],
                                   full_recompute=full_recompute, batch_size=batch_size, max_chunk_bytes=max_chunk_bytes)
        if nucleus is not None:
            request.nucleus.CopyFrom(nucleus.to_proto())
        assembler = LogitsAssembler(wire, None if nucleus is None else min(nucleus.max_k, info.vocab_size),
                                    list(request.full_logit_positions), full_recompute, _token_count(input), info)

        def assemble(chunks: Iterable[pb.TensorChunk]) -> Iterator[LogitsResult]:
            for chunk in chunks:
                assembler.accept(chunk)
            answered = assembler.finish()
            baseline = next((v for v in answered if v.suppression.is_baseline), None)
            yield LogitsResult(assembler.num_tokens, tuple(with_baseline_prefix(answered[: len(variants)], baseline)))

        return _only(self._stream("Logits", lambda t: self._stub.Logits(request, timeout=t), timeout, assemble))

    # ------------------------------------------------------------------ plumbing

    def _unary(self, verb: str, call: Callable[[float], T], timeout: float | None) -> T:
        try:
            return call(timeout or self.unary_timeout)
        except grpc.RpcError as error:
            raise from_rpc_error(verb, error) from None

    def _stream(self, verb: str, start: Callable[[float], Iterator[pb.TensorChunk]], timeout: float | None,
                assemble: Callable[[Iterable[pb.TensorChunk]], Iterator[T]]) -> Iterator[T]:
        """Runs a server-streaming call through `assemble` once iteration begins. A contract violation, an
        exception in the caller's loop or leaving it early cancels the call (the worker stops the forward)."""
        call = None
        position = "before the first chunk"

        def chunks() -> Iterator[pb.TensorChunk]:
            nonlocal position
            for index, chunk in enumerate(call):
                position = f"chunk {index}"
                yield chunk
            position = "at the end of the stream"

        try:
            call = start(timeout or self.stream_timeout)
            yield from assemble(chunks())
        except grpc.RpcError as error:
            raise from_rpc_error(verb, error) from None
        except StreamError as error:
            raise ContractViolation(verb, f"{position}: {error}") from None
        finally:
            if call is not None:
                call.cancel()


def _model_input(value: ModelInput) -> pb.ModelInput:
    if isinstance(value, str):
        return pb.ModelInput(text=value)
    ids = np.asarray(value)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer) and ids.size:
        raise ValueError(f"input must be text or a 1-D sequence of token ids, got {type(value).__name__} "
                         f"of shape {ids.shape} and dtype {ids.dtype}")
    return pb.ModelInput(token_ids=pb.TokenIds(ids=ids.astype(np.int64).tolist()))


def _only(results: Iterator[T]) -> T:
    (result,) = results
    return result


def _token_count(value: ModelInput) -> int | None:
    return None if isinstance(value, str) else len(value)


def _layers_of(info: ModelInfo, layers: Sequence[int] | None) -> list[int]:
    return list(range(info.num_layers)) if not layers else sorted({int(layer) for layer in layers})

