"""Wire requests -> the seam's pass types. Every rejection names the offending field.

Backend-free: it sees the model through ``Backend.describe()`` and ``Backend.tokenize()`` only,
and refuses a request that needs a capability the backend does not declare.
"""

from __future__ import annotations

from dataclasses import dataclass

from thought_anchors.worker.v1 import worker_pb2 as pb

from . import arrow_codec
from .backend import (AttentionPass, Backend, CaptureMode, InvalidRequest, LogitsPass, ModelInfo, Nucleus,
                      Suppression)


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
        if not model_input.text.strip():
            raise InvalidRequest("input.text is empty")
        ids = backend.tokenize(model_input.text).ids
    elif source == "token_ids":
        ids = list(model_input.token_ids.ids)
        if not ids:
            raise InvalidRequest("input.token_ids is empty")
        bad = [i for i in ids if not 0 <= i < model.vocab_size]
        if bad:
            raise InvalidRequest(f"input.token_ids has ids outside [0, {model.vocab_size}): {bad[:5]}")
    else:
        raise InvalidRequest("input is missing: set input.text or input.token_ids")
    if len(ids) > model.max_tokens:
        raise InvalidRequest(f"input has {len(ids)} tokens; this worker accepts at most {model.max_tokens}")
    return ids


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
        if not spec.temperature > 0.0:
            raise InvalidRequest(f"nucleus.temperature={spec.temperature} must be positive")
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


def _fits(bytes_per_row: int, max_bytes: int, what: str) -> None:
    try:
        arrow_codec.check_row_fits(bytes_per_row, max_bytes, what)
    except ValueError as err:
        raise InvalidRequest(str(err)) from None
