"""`connect()` and the `Client`: the worker's verbs with NumPy in and out."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from os import PathLike
from typing import Literal, TypeVar

import grpc
import numpy as np

from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors.worker.v1 import worker_pb2_grpc

from . import channel, retries, text_units
from .errors import ContractViolation, IdleTimeoutError, from_rpc_error
from .streams import AttentionAssembler, LogitsAssembler, StreamError, with_baseline_prefix
from .types import (BASELINE, GeneratedToken, GenerationResult, LogitsResult, Mode, ModelInfo, NucleusSpec,
                    Suppression, Tokenization)

CONTRACT_VERSION = pb.CONTRACT_VERSION_1
WORKER_KEY = "ta-worker"  # initial metadata of a streamed answer: the worker's host:port (worker.proto)

ModelInput = str | Sequence[int] | np.ndarray
"""Text (the worker tokenises it, BOS added) or token ids (used as given, BOS included if wanted)."""

T = TypeVar("T")
FilePath = str | PathLike
log = logging.getLogger(__name__)


def connect(addresses: str | Sequence[str], *, tls: bool | None = None, tls_ca: FilePath | None = None,
            tls_cert: FilePath | None = None, tls_key: FilePath | None = None, tls_server_name: str | None = None,
            token_file: FilePath | None = None, unary_timeout: float = 60.0, stream_timeout: float = 7200.0,
            idle_timeout: float = 300.0, max_attempts: int = 4, initial_backoff: float = 0.2,
            max_backoff: float = 5.0, max_message_bytes: int = 64 << 20, keepalive: float = 30.0) -> Client:
    """A client of the workers at `addresses`: `"host:port"`, `"h1:p1,h2:p2"`, a list of them, or a gRPC
    target such as `"dns:///workers:50051"`. Several workers (all serving the same model) share the calls
    round-robin; workers reported NOT_SERVING by their health service are skipped.

    Security: `tls_ca` (PEM file of the CAs to trust) or `tls=True` (the system's roots) connects over TLS;
    `tls_cert` and `tls_key` present a client certificate (mutual TLS); `tls_server_name` is the name to check
    the worker certificates against when it is not the host connected to (several hosts given as a list: one
    name all their certificates carry). The bearer token comes from `token_file` (one token on one line) or
    else the environment variable `TA_WORKER_TOKEN`, never from an argument; it is sent over TLS, or without
    TLS to a loopback address only (ValueError otherwise), and never kept by the client or shown in its repr.

    Connects lazily (the first call dials). Timeouts are in seconds and bound each call with all its retries:
    `unary_timeout` Describe and Tokenize, `stream_timeout` Attention and Logits (long: a suppression sweep
    takes minutes); every verb also takes its own `timeout`. A busy worker is retried with backoff (and its
    hint) until the timeout would pass; an unreachable worker, or one that started a streamed answer and then
    sent nothing for `idle_timeout` seconds, is retried up to `max_attempts` attempts in all, backing off from
    `initial_backoff` (doubling) to `max_backoff` seconds, jittered. `keepalive` pings the connection that
    often while a call runs or waits (at least 10 s, the worker's limit), so a stopped or unreachable worker
    fails the call (and its retry goes elsewhere) within about twice that. `max_message_bytes` bounds each
    message either way (the worker chunks replies at 3 MiB by default).
    """
    if not (unary_timeout > 0 and stream_timeout > 0 and idle_timeout > 0):
        raise ValueError(f"timeouts must be positive, got {unary_timeout}, {stream_timeout}, {idle_timeout}")
    policy = retries.RetryPolicy(max_attempts, initial_backoff, max_backoff)
    settings = channel.ChannelSettings(max_message_bytes, keepalive)
    security = channel.Security.of(tls, tls_ca, tls_cert, tls_key, tls_server_name, token_file)
    if security.token_source and not security.tls and not channel.is_loopback_target(addresses):
        raise ValueError(f"a bearer token ({security.token_source}) goes only over TLS or to a loopback worker: "
                         f"connect to {addresses!r} with tls_ca= (or tls=True)"
                         + (f", or unset {channel.TOKEN_VARIABLE}" if security.token_source == channel.TOKEN_VARIABLE
                            else ""))
    server_name = channel.tls_server_name(addresses, security)
    if server_name != security.server_name:
        security = channel.Security(security.tls, security.ca_file, security.cert_file, security.key_file,
                                    server_name, security.token_source)
    target = channel.target(addresses)
    return Client(channel.open_channel(target, settings, security), target, unary_timeout, stream_timeout,
                  idle_timeout, policy, security.describe())


class Client:
    """The worker's verbs over one channel (made by `connect`, which checks the settings). Use as a context
    manager (or call `close()`) to release the channel.

    Thread-safe (gRPC channels are); the Describe answer is fetched once and cached, since every
    streamed reply is checked against it.
    """

    def __init__(self, grpc_channel: grpc.Channel, target: str, unary_timeout: float, stream_timeout: float,
                 idle_timeout: float = 300.0, policy: retries.RetryPolicy = retries.RetryPolicy(),
                 security: str = "plaintext"):
        self._channel = grpc_channel
        self._stub = worker_pb2_grpc.ModelWorkerStub(grpc_channel)
        self.target = target
        self.unary_timeout = unary_timeout
        self.stream_timeout = stream_timeout
        self.idle_timeout = idle_timeout
        self.policy = policy
        self.security = security  # a description ("TLS, token from TA_WORKER_TOKEN"), never a secret
        self.retried: Counter[str] = Counter()  # retries made so far, by reason: "busy", "silent", "UNAVAILABLE", ...
        self._closed = False
        self._rng = random.Random()
        self._lock = threading.Lock()
        self._info: ModelInfo | None = None

    def __repr__(self) -> str:
        return f"Client(target={self.target!r}, security={self.security!r})"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Closes the channel; calls still running fail with `CallCancelledError`."""
        self._closed = True
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
        asked = pb.AttentionRequest(input=_model_input(input), mode=mode.value, heads=asked_heads,
                                    pool_ranges=[pb.TokenRange(start=s, end=e) for s, e in ranges],
                                    query_block=query_block, max_chunk_bytes=max_chunk_bytes)
        if suppression is not None:
            asked.suppression.CopyFrom(suppression.to_proto())
        missing = _layers_of(info, layers)  # ascending; a retry asks only for the layers not yet delivered
        num_tokens = _token_count(input)

        def attempt(stream: Callable[[Callable[[float], Iterator[pb.TensorChunk]]], Iterator[pb.TensorChunk]]
                    ) -> Iterator[tuple[int, np.ndarray]]:
            nonlocal num_tokens
            request = pb.AttentionRequest()
            request.CopyFrom(asked)
            request.layers[:] = missing
            assembler = AttentionAssembler(mode, list(missing), asked_heads or range(info.num_query_heads),
                                           len(ranges), num_tokens, info)
            for chunk in stream(lambda t: self._stub.Attention(request, timeout=t)):
                done = assembler.accept(chunk)
                num_tokens = assembler.num_tokens  # a resumed call must see the same input
                if done is not None:
                    missing.remove(done[0])
                    yield done
            assembler.finish()

        return self._stream("Attention", attempt, timeout)

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
        default). A call that fails part-way is retried whole.
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

        def attempt(stream: Callable[[Callable[[float], Iterator[pb.TensorChunk]]], Iterator[pb.TensorChunk]]
                    ) -> Iterator[LogitsResult]:
            assembler = LogitsAssembler(wire, None if nucleus is None else min(nucleus.max_k, info.vocab_size),
                                        list(request.full_logit_positions), full_recompute, _token_count(input), info)
            for chunk in stream(lambda t: self._stub.Logits(request, timeout=t)):
                assembler.accept(chunk)
            answered = assembler.finish()
            baseline = next((v for v in answered if v.suppression.is_baseline), None)
            yield LogitsResult(assembler.num_tokens, tuple(with_baseline_prefix(answered[: len(variants)], baseline)))

        return _only(self._stream("Logits", attempt, timeout))

    def generate(self, input: ModelInput, *, max_new_tokens: int, temperature: float = 0.0, top_p: float = 1.0,
                 seed: int = 0, stop: Sequence[str] = (), stop_token_ids: Sequence[int] = (),
                 apply_chat_template: bool = False, timeout: float | None = None) -> Generation:
        """A continuation of `input`, streamed: iterate the returned `Generation` for each `GeneratedToken` as the
        worker produces it; once the loop ends, `.result` is the `GenerationResult`. Leaving the loop early (or
        `close()`) cancels the call, which stops the generation on the worker.

        temperature 0 is greedy; otherwise tokens are drawn from the top-p nucleus of softmax(logits / temperature)
        with a generator seeded by `seed` (the same call gives the same tokens on the same worker). Generation ends
        at the model's end-of-sequence token, one of `stop_token_ids`, once the text contains one of `stop`, or
        after `max_new_tokens`. `apply_chat_template` treats text `input` as one user message under the model's
        chat template (capability "generate.chat_template").
        """
        request = pb.GenerateRequest(input=_model_input(input), max_new_tokens=max_new_tokens, temperature=temperature,
                                     top_p=top_p, seed=seed, stop=list(stop),
                                     stop_token_ids=[int(i) for i in stop_token_ids],
                                     apply_chat_template=apply_chat_template)

        def attempt(stream):
            delivered = False
            try:
                for item in _generated_tokens(stream(lambda t: self._stub.Generate(request, timeout=t))):
                    delivered = True
                    yield item
            except grpc.RpcError as error:
                if not delivered:
                    raise  # nothing handed out yet: a busy or restarted worker is retried like any call
                # a retry would repeat the tokens already handed out (and, sampled, draw others)
                raise from_rpc_error("Generate", error, self._note(error)) from None

        return Generation(self._stream("Generate", attempt, timeout))

    # ------------------------------------------------------------------ plumbing

    def _unary(self, verb: str, call: Callable[[float], T], timeout: float | None) -> T:
        attempts = retries.Attempts(self.policy, timeout or self.unary_timeout, self._rng)
        while True:
            try:
                return call(attempts.remaining())
            except grpc.RpcError as error:
                self._pause_or_raise(verb, attempts, error)

    def _stream(self, verb: str, attempt: Callable[[Callable], Iterator[T]], timeout: float | None) -> Iterator[T]:
        """Runs a server-streaming call once iteration begins: `attempt(stream)` makes one attempt, calling
        `stream(start)` to place the call and iterate its chunks; retried as `retries` says. A contract
        violation, an exception in the caller's loop or leaving it early cancels the call (the worker stops
        the forward). Each attempt is watched for silence (`idle_timeout`) once the worker has started it."""
        attempts = retries.Attempts(self.policy, timeout or self.stream_timeout, self._rng)
        while True:
            call = watch = None
            position = "before the first chunk"

            def stream(start: Callable[[float], Iterator[pb.TensorChunk]]) -> Iterator[pb.TensorChunk]:
                nonlocal call, watch, position
                call = start(attempts.remaining())
                watch = _IdleWatch(call, self.idle_timeout)
                for index, chunk in enumerate(call):
                    watch.heard()
                    position = f"chunk {index}"
                    yield chunk
                position = "at the end of the stream"

            try:
                yield from attempt(stream)
                return
            except grpc.RpcError as error:
                self._pause_or_raise(verb, attempts, error, watch)
            except StreamError as error:
                raise ContractViolation(verb, f"{position}: {error}") from None
            finally:
                if watch is not None:
                    watch.stop()
                if call is not None:
                    call.cancel()

    def _pause_or_raise(self, verb: str, attempts: retries.Attempts, error: grpc.RpcError,
                        watch: _IdleWatch | None = None) -> None:
        """Sleeps before the next attempt, or raises the call's error if there is none to make."""
        silent = watch is not None and watch.fired
        trouble, hint = (retries.Trouble.FAILED, 0.0) if silent else retries.trouble_of(error)
        delay = None if self._closed else attempts.pause(trouble, hint)
        if delay is None:
            if silent:
                raise IdleTimeoutError(verb, grpc.StatusCode.DEADLINE_EXCEEDED,
                                       f"worker {watch.worker or self.target} started the answer and then sent "
                                       f"nothing for {self.idle_timeout:g} s (idle_timeout), attempt "
                                       f"{attempts.failures} of {self.policy.max_attempts}") from None
            raise from_rpc_error(verb, error, self._note(error)) from None
        reason = "silent" if silent else ("busy" if trouble is retries.Trouble.BUSY else error.code().name)
        with self._lock:
            self.retried[reason] += 1
        log.info("%s: worker %s, attempt %d; retrying in %.2f s", verb, reason,
                 attempts.failures + attempts.refusals, delay)
        time.sleep(delay)

    def _note(self, error: grpc.RpcError) -> str:
        if isinstance(error, grpc.Call) and error.code() == grpc.StatusCode.UNAVAILABLE \
                and self.security.startswith("plaintext"):
            return " (this client connects in plaintext: if the worker serves TLS, connect with tls_ca= or tls=True)"
        return ""


class _IdleWatch:
    """Cancels a streamed call whose worker, having started its answer (the response headers, sent when the
    forward begins), sends nothing for `idle` seconds. A call still waiting for the worker's model is not timed
    here (keepalive notices a worker that is gone)."""

    def __init__(self, call, idle: float):
        self.call = call
        self.idle = idle
        self.fired = False
        self.worker: str | None = None
        self._last: float | None = None
        self._done = False
        self._condition = threading.Condition()
        threading.Thread(target=self._watch, name="idle-watch", daemon=True).start()

    def heard(self) -> None:
        with self._condition:
            self._last = time.monotonic()

    def stop(self) -> None:
        with self._condition:
            self._done = True
            self._condition.notify()

    def _watch(self) -> None:
        metadata = self.call.initial_metadata()  # once the headers arrive, or the call ends
        with self._condition:
            self.worker = dict(metadata or ()).get(WORKER_KEY)
            if self._last is None:
                self._last = time.monotonic()
            while not self._done:
                left = self._last + self.idle - time.monotonic()
                if left <= 0:
                    self.fired = True
                    break
                self._condition.wait(left)
        if self.fired:
            self.call.cancel()


class Generation(Iterator[GeneratedToken]):
    """A Generate call in progress: an iterator of `GeneratedToken`s, then `result`."""

    def __init__(self, events: Iterator[GeneratedToken | GenerationResult]):
        self._events = events
        self._result: GenerationResult | None = None

    def __next__(self) -> GeneratedToken:
        if self._result is not None:
            raise StopIteration
        event = next(self._events)
        if isinstance(event, GenerationResult):
            self._result = event
            self._events.close()
            raise StopIteration
        return event

    @property
    def result(self) -> GenerationResult:
        """The finished generation; raises `RuntimeError` before the iteration has ended."""
        if self._result is None:
            raise RuntimeError("the generation has not finished: iterate it to the end first")
        return self._result

    def close(self) -> None:
        """Cancels the call if it is still running."""
        self._events.close()


_STOP_REASONS = {pb.GenerateFinished.EOS: "eos", pb.GenerateFinished.STOP_TOKEN: "stop_token",
                 pb.GenerateFinished.STOP_STRING: "stop_string", pb.GenerateFinished.MAX_NEW_TOKENS: "max_new_tokens"}


def _generated_tokens(replies: Iterable[pb.GenerateResponse]) -> Iterator[GeneratedToken | GenerationResult]:
    """The tokens of a Generate stream as they arrive, then its result, checking the stream's shape."""
    started: pb.GenerateStarted | None = None
    ids: list[int] = []
    pieces: list[str] = []
    for reply in replies:
        kind = reply.WhichOneof("event")
        if (kind == "started") != (started is None):
            raise StreamError(f"a {kind} message {'before' if started is None else 'after'} the started one")
        if kind == "started":
            started = reply.started
        elif kind == "tokens":
            if not len(reply.tokens.ids) == len(reply.tokens.pieces) >= 1:
                raise StreamError(f"{len(reply.tokens.ids)} ids with {len(reply.tokens.pieces)} pieces")
            for token, piece in zip(reply.tokens.ids, reply.tokens.pieces):
                ids.append(token)
                pieces.append(piece)
                yield GeneratedToken(token, piece)
        elif kind == "finished":
            finished = reply.finished
            if finished.new_tokens != len(ids) or finished.stop_reason not in _STOP_REASONS:
                raise StreamError(f"finished with {finished.new_tokens} new tokens (stop reason "
                                  f"{finished.stop_reason}) after {len(ids)}")
            yield GenerationResult(started.prompt_text, started.prompt_tokens, tuple(ids), "".join(pieces),
                                   _STOP_REASONS[finished.stop_reason], finished.stop_string or None)
            return
        else:
            raise StreamError(f"a message without an event: {reply}")
    raise StreamError("the stream ended without a finished message")


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

