"""Wire requests -> the seam's pass types. Every rejection names the offending field.

Backend-free: it sees the model through ``Backend.describe()`` and ``Backend.tokenize()`` only,
and refuses a request that needs a capability the backend does not declare.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thought_anchors.worker.v1 import worker_pb2 as pb

from . import arrow_codec
from .backend import (CHAT_TEMPLATE, GENERATE, AttentionPass, Backend, CaptureMode, GeneratePass, InvalidRequest,
                      LogitsPass, ModelInfo, Nucleus, Suppression)


# Temperatures the nucleus math serves in float32. Below ~3e-39, 1/T overflows to inf and the top logit's 0 * inf
# is NaN (1e-45 gave NaN masses); from 1e-6 on, logit gaps up to ~1e5 scale to at most 1e11, far inside float32.
# Above 1e6 nothing overflows, but every realistic gap (< 100) scales below 1e-4: uniform to four digits, which
# no analysis means. Generous bounds either way, refused by name rather than answered with garbage.
TEMPERATURE_RANGE = (1e-6, 1e6)
# The wire's float32 nearest each bound (float32(1e-6) is a little below 1e-6 and must pass).
_MIN_TEMPERATURE, _MAX_TEMPERATURE = (float(np.float32(t)) for t in TEMPERATURE_RANGE)


# Natural text averages 3-5 characters a token; the longest tokens of today's vocabularies are 128 (runs of spaces
# or dashes). 32 a token bounds any realistic input of max_tokens tokens, and is checked before tokenising: the
# old worker tokenised 8-48 MiB texts in full (minutes, gigabytes) only to count too many tokens.
CHARS_PER_TOKEN = 32
_REQUEST_HEADROOM = 1 << 20  # ranges, variants and prefix offsets beside the text


def max_text_chars(model: ModelInfo) -> int:
    """The longest text (code points) any verb tokenises."""
    return model.max_tokens * CHARS_PER_TOKEN


def max_request_bytes(model: ModelInfo) -> int:
    """The largest request message the worker receives (gRPC refuses larger ones before decoding them): the
    longest text at 4 UTF-8 bytes a character, or max_tokens token ids at 10 bytes a varint, plus headroom."""
    return max(4 * max_text_chars(model), 10 * model.max_tokens) + _REQUEST_HEADROOM


def check_text_length(model: ModelInfo, text: str, field: str) -> None:
    limit = max_text_chars(model)
    if len(text) > limit:
        raise InvalidRequest(f"{field} has {len(text)} characters, more than the {limit} characters this worker "
                             f"tokenises ({CHARS_PER_TOKEN} a token of its {model.max_tokens}-token limit)")


@dataclass(frozen=True)
class Limits:
    max_chunk_bytes: int
    query_block: int
    batch_size: int


def _require(model: ModelInfo, capability: str, what: str) -> None:
    if capability not in model.capabilities:
        raise InvalidRequest(f"{what} needs {capability}, which the {model.backend} backend does not serve")


def input_ids(backend: Backend, model_input: pb.ModelInput) -> list[int]:
    model = backend.describe()
    source = model_input.WhichOneof("source")
    if source == "text":
        if not model_input.text:  # whitespace is text like any other, as in Tokenize
            raise InvalidRequest("input.text is empty")
        check_text_length(model, model_input.text, "input.text")
        ids = backend.tokenize(model_input.text).ids
        if not ids:
            raise InvalidRequest("input.text has no tokens (this tokenizer adds no BOS and drops what the text holds)")
        _check_token_count(model, len(ids))
    elif source == "token_ids":
        ids = list(model_input.token_ids.ids)
        if not ids:
            raise InvalidRequest("input.token_ids is empty")
        _check_token_count(model, len(ids))
        bad = [i for i in ids if not 0 <= i < model.vocab_size]
        if bad:
            raise InvalidRequest(f"input.token_ids has ids outside [0, {model.vocab_size}): {bad[:5]}")
    else:
        raise InvalidRequest("input is missing: set input.text or input.token_ids")
    return ids


def _check_token_count(model: ModelInfo, count: int) -> None:
    if count > model.max_tokens:
        raise InvalidRequest(f"input has {count} tokens; this worker accepts at most {model.max_tokens}")


def _range(r: pb.TokenRange, n: int, where: str) -> tuple[int, int]:
    if r.start < 0 or r.end > n:
        raise InvalidRequest(f"{where} [{r.start}, {r.end}) is outside the input's {n} tokens")
    if r.start > r.end:
        raise InvalidRequest(f"{where} [{r.start}, {r.end}) is reversed (start > end)")
    return r.start, r.end


def _indices(values, limit: int, what: str) -> list[int]:
    values = list(values)
    if not values:
        return list(range(limit))
    bad = [v for v in values if not 0 <= v < limit]
    if bad:
        raise InvalidRequest(f"unknown {what} {bad}: the model has {limit} ({what} 0..{limit - 1})")
    if len(set(values)) != len(values):
        raise InvalidRequest(f"{what} contain duplicates: {values}")
    return values


def suppression(model: ModelInfo, spec: pb.Suppression, n: int, where: str) -> Suppression:
    ranges = [_range(r, n, f"{where}.ranges[{i}]") for i, r in enumerate(spec.ranges)]
    for i, (start, end) in enumerate(ranges):
        if start == 0 and end > 0:
            raise InvalidRequest(f"{where}.ranges[{i}] starts at 0: suppressing BOS leaves some query rows "
                                 "nothing to attend to")
    if not spec.layer_heads:
        if ranges:
            _require(model, "suppression.all_heads", where)
        return Suppression(ranges, None)
    _require(model, "suppression.per_head", f"{where}.layer_heads")
    heads_by_layer: dict[int, list[int] | None] = {}
    for entry in spec.layer_heads:
        layer = _indices([entry.layer], model.num_layers, f"{where}.layer_heads layers")[0]
        if layer in heads_by_layer:
            raise InvalidRequest(f"{where}.layer_heads names layer {layer} twice")
        heads = _indices(entry.heads, model.num_query_heads, f"{where}.layer_heads[{layer}] heads")
        heads_by_layer[layer] = None if len(heads) == model.num_query_heads else heads
    return Suppression(ranges, heads_by_layer)


def chunk_limit(requested: int, limits: Limits) -> int:
    if requested < 0:
        raise InvalidRequest("max_chunk_bytes is negative")
    return min(requested or limits.max_chunk_bytes, limits.max_chunk_bytes)


@dataclass(frozen=True)
class AttentionArgs:
    forward: AttentionPass
    max_chunk_bytes: int


_MODES = {pb.AttentionRequest.RAW: CaptureMode.RAW, pb.AttentionRequest.POOLED: CaptureMode.POOLED}


def attention(backend: Backend, request: pb.AttentionRequest, limits: Limits) -> AttentionArgs:
    model = backend.describe()
    if request.mode not in _MODES:
        raise InvalidRequest("mode must be RAW or POOLED")
    mode = _MODES[request.mode]
    _require(model, f"attention.{mode.value}", f"{pb.AttentionRequest.Mode.Name(request.mode)} attention")
    ids = input_ids(backend, request.input)
    n = len(ids)
    layers = sorted(_indices(request.layers, model.num_layers, "layers"))
    heads = _indices(request.heads, model.num_query_heads, "heads")
    pool_ranges = []
    if mode is CaptureMode.POOLED:
        if not request.pool_ranges:
            raise InvalidRequest("POOLED needs pool_ranges")
        pool_ranges = [_range(r, n, f"pool_ranges[{i}]") for i, r in enumerate(request.pool_ranges)]
        for i in range(1, len(pool_ranges)):
            if pool_ranges[i][0] < pool_ranges[i - 1][1]:
                raise InvalidRequest(f"pool_ranges[{i}] {list(pool_ranges[i])} overlaps or precedes "
                                     f"pool_ranges[{i - 1}] {list(pool_ranges[i - 1])}: ranges must be sorted "
                                     "and disjoint")
    elif request.pool_ranges:
        raise InvalidRequest("pool_ranges are only meaningful in POOLED mode")
    supp = suppression(model, request.suppression, n, "suppression") if request.HasField("suppression") else None
    if request.query_block < 0:
        raise InvalidRequest("query_block is negative")
    max_bytes = chunk_limit(request.max_chunk_bytes, limits)
    cols = n if mode is CaptureMode.RAW else len(pool_ranges)
    _fits(4 * cols + 12, max_bytes, "attention")
    forward = AttentionPass(ids, layers, heads, mode, pool_ranges, supp, request.query_block or limits.query_block)
    return AttentionArgs(forward, max_bytes)


@dataclass(frozen=True)
class LogitsArgs:
    forward: LogitsPass
    max_chunk_bytes: int


def logits(backend: Backend, request: pb.LogitsRequest, limits: Limits) -> LogitsArgs:
    model = backend.describe()
    ids = input_ids(backend, request.input)
    n = len(ids)
    if not request.variants:
        raise InvalidRequest("variants is empty: send one empty Suppression for the baseline")
    variants = [suppression(model, v, n, f"variants[{i}]") for i, v in enumerate(request.variants)]
    nucleus = None
    if request.HasField("nucleus"):
        _require(model, "logits.nucleus", "nucleus")
        spec = request.nucleus
        if not 0.0 < spec.top_p <= 1.0:
            raise InvalidRequest(f"nucleus.top_p={spec.top_p} must be in (0, 1]")
        if spec.max_k < 1:
            raise InvalidRequest(f"nucleus.max_k={spec.max_k} must be at least 1")
        if not _MIN_TEMPERATURE <= spec.temperature <= _MAX_TEMPERATURE:
            raise InvalidRequest(f"nucleus.temperature={spec.temperature:g} must be in [{TEMPERATURE_RANGE[0]:g}, "
                                 f"{TEMPERATURE_RANGE[1]:g}]: far below it float32 logits scaled by 1/temperature "
                                 "overflow (NaN masses), above it they flatten to a uniform distribution")
        nucleus = Nucleus(spec.top_p, spec.max_k, spec.temperature, spec.round_logits_to_float16)
    positions = []
    for p in request.full_logit_positions:
        resolved = p + n if p < 0 else p
        if not 0 <= resolved < n:
            raise InvalidRequest(f"full_logit_positions entry {p} is outside the input's {n} tokens")
        positions.append(resolved)
    if nucleus is None and not positions:
        raise InvalidRequest("nothing to return: set nucleus and/or full_logit_positions")
    if positions:
        _require(model, "logits.full", "full_logit_positions")
    if request.batch_size < 0:
        raise InvalidRequest("batch_size is negative")
    max_bytes = chunk_limit(request.max_chunk_bytes, limits)
    if positions:
        _fits(4 * model.vocab_size + 8, max_bytes, "full-logits")
    if nucleus is not None:
        _fits(16 + 8 * min(nucleus.max_k, model.vocab_size), max_bytes, "nucleus")
    forward = LogitsPass(ids, variants, nucleus, positions, request.full_recompute,
                         request.batch_size or limits.batch_size)
    return LogitsArgs(forward, max_bytes)


# Sampling temperatures float32 logits survive: far below 1e-6, z / temperature overflows (NaN probabilities);
# above 1e6 every realistic logit gap scales below 1e-4, a uniform draw.
GENERATE_TEMPERATURES = (1e-6, 1e6)
_MIN_GENERATE_TEMPERATURE, _MAX_GENERATE_TEMPERATURE = (float(np.float32(t)) for t in GENERATE_TEMPERATURES)
MAX_STOP_STRINGS = 16
MAX_STOP_STRING_CHARS = 256


@dataclass(frozen=True)
class GenerateArgs:
    forward: GeneratePass
    prompt_text: str                   # the prompt as text ("" for token-id input)


def generate(backend: Backend, request: pb.GenerateRequest, limits: Limits) -> GenerateArgs:
    model = backend.describe()
    _require(model, GENERATE, "Generate")
    if request.apply_chat_template:
        _require(model, CHAT_TEMPLATE, "apply_chat_template")
        if request.input.WhichOneof("source") != "text":
            raise InvalidRequest("apply_chat_template needs input.text (the user message), not token ids")
        if not request.input.text:
            raise InvalidRequest("input.text is empty")
        prompt = pb.ModelInput(text=backend.chat_prompt(request.input.text))
    else:
        prompt = request.input
    ids = input_ids(backend, prompt)
    if request.max_new_tokens < 1:
        raise InvalidRequest(f"max_new_tokens={request.max_new_tokens} must be at least 1")
    if len(ids) + request.max_new_tokens > model.max_tokens:
        raise InvalidRequest(f"max_new_tokens={request.max_new_tokens} with the prompt's {len(ids)} tokens exceeds "
                             f"this worker's max_tokens {model.max_tokens} (at most "
                             f"{max(model.max_tokens - len(ids), 0)} new tokens)")
    temperature = request.temperature
    if temperature != 0.0 and not _MIN_GENERATE_TEMPERATURE <= temperature <= _MAX_GENERATE_TEMPERATURE:
        raise InvalidRequest(f"temperature={temperature:g} must be 0 (greedy) or in [{GENERATE_TEMPERATURES[0]:g}, "
                             f"{GENERATE_TEMPERATURES[1]:g}]")
    if not 0.0 <= request.top_p <= 1.0:  # NaN fails too
        raise InvalidRequest(f"top_p={request.top_p:g} must be in [0, 1] (0 means 1: no truncation)")
    if len(request.stop) > MAX_STOP_STRINGS:
        raise InvalidRequest(f"stop has {len(request.stop)} strings; at most {MAX_STOP_STRINGS}")
    for i, stop in enumerate(request.stop):
        if not 1 <= len(stop) <= MAX_STOP_STRING_CHARS:
            raise InvalidRequest(f"stop[{i}] has {len(stop)} characters; a stop string has 1 to "
                                 f"{MAX_STOP_STRING_CHARS}")
    bad = [i for i in request.stop_token_ids if not 0 <= i < model.vocab_size]
    if bad:
        raise InvalidRequest(f"stop_token_ids has ids outside [0, {model.vocab_size}): {bad[:5]}")
    forward = GeneratePass(ids, request.max_new_tokens, float(temperature), float(request.top_p or 1.0),
                           request.seed, tuple(request.stop), frozenset(request.stop_token_ids))
    return GenerateArgs(forward, prompt.text if prompt.WhichOneof("source") == "text" else "")


def _fits(bytes_per_row: int, max_bytes: int, what: str) -> None:
    try:
        arrow_codec.check_row_fits(bytes_per_row, max_bytes, what)
    except ValueError as err:
        raise InvalidRequest(str(err)) from None
