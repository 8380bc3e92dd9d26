"""Streamed tensor replies -> NumPy arrays, checked against the contract's guarantees.

Every chunk is decoded on its own (one self-contained Arrow IPC stream) and checked before any of
it is kept: kind, shape, the requested layers/heads/variants/positions, order, each row exactly once,
and completeness when the stream ends. A broken stream raises `StreamError`, which the client turns
into a `ContractViolation` naming the call and chunk; nothing of such a reply is returned.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa

from thought_anchors.worker.v1 import worker_pb2 as pb

from .types import Mode, ModelInfo, Nucleus, Suppression, VariantLogits


class StreamError(Exception):
    """A chunk breaks the contract (message says how)."""


def _batches(ipc: bytes) -> Iterator[pa.RecordBatch]:
    try:
        yield from pa.ipc.open_stream(ipc)
    except (pa.ArrowException, OSError) as error:
        raise StreamError(f"unreadable Arrow IPC stream: {error}") from None


def _column(batch: pa.RecordBatch, name: str, expected: pa.DataType) -> pa.Array:
    index = batch.schema.get_field_index(name)
    if index < 0:
        raise StreamError(f"no column '{name}' in schema {batch.schema}")
    array = batch.column(index)
    if array.type != expected:
        raise StreamError(f"column '{name}' should be {expected}, is {array.type}")
    if array.null_count:
        raise StreamError(f"column '{name}' has nulls")
    return array


def _ints(batch: pa.RecordBatch, name: str) -> np.ndarray:
    return _column(batch, name, pa.int32()).to_numpy()


def _list_parts(batch: pa.RecordBatch, name: str, element: pa.DataType) -> tuple[np.ndarray, np.ndarray]:
    """A list<element> column as (absolute offsets [rows + 1] into values, values)."""
    array = _column(batch, name, pa.list_(element))
    if array.values.null_count:
        raise StreamError(f"column '{name}' has null elements")
    return array.offsets.to_numpy().astype(np.int64), array.values.to_numpy()


def _fixed_rows(batch: pa.RecordBatch, name: str, width: int) -> np.ndarray:
    """A fixed_size_list<float32>[width] column as float32 [rows, width]."""
    array = _column(batch, name, pa.list_(pa.float32(), width))
    values = array.flatten()
    if values.null_count:
        raise StreamError(f"column '{name}' has null elements")
    return values.to_numpy().reshape(len(array), width)


def _check_num_tokens(seen: int, chunk: pb.TensorChunk, expected: int | None) -> int:
    if seen < 0:
        if chunk.num_tokens <= 0 or (expected is not None and chunk.num_tokens != expected):
            raise StreamError(f"num_tokens {chunk.num_tokens}"
                              + (f" for {expected} input tokens" if expected is not None else ""))
        return chunk.num_tokens
    if chunk.num_tokens != seen:
        raise StreamError(f"num_tokens changed from {seen} to {chunk.num_tokens}")
    return seen


class AttentionAssembler:
    """Rebuilds each layer's [heads, rows, cols] array from its chunks and hands it out once complete.

    Layers must arrive in ascending order, each one's chunks contiguous; every (head, row) of a layer
    exactly once. Only the layer in flight is held.
    """

    def __init__(self, mode: Mode, layers: Sequence[int], heads: Sequence[int], pool_size: int,
                 expected_tokens: int | None, info: ModelInfo):
        self.kind = pb.TensorChunk.ATTENTION_RAW if mode is Mode.RAW else pb.TensorChunk.ATTENTION_POOLED
        self.layers = list(layers)            # ascending
        self.heads = list(heads)              # the result's head axis, in request order
        self.pool_size = pool_size
        self.expected_tokens = expected_tokens
        self.head_slot = np.full(info.num_query_heads, -1, dtype=np.int64)  # head -> index on the head axis
        for slot, head in enumerate(self.heads):
            if 0 <= head < info.num_query_heads:  # the worker refuses other heads before streaming
                self.head_slot[head] = slot
        self.num_tokens = -1
        self.next_layer = 0                   # index into self.layers of the layer in flight
        self.values: np.ndarray | None = None
        self.received: np.ndarray | None = None

    @property
    def size(self) -> int:
        return self.num_tokens if self.kind == pb.TensorChunk.ATTENTION_RAW else self.pool_size

    def accept(self, chunk: pb.TensorChunk) -> tuple[int, np.ndarray] | None:
        """Takes one chunk; returns (layer, float32 [heads, rows, cols]) when it completed a layer."""
        self._check_header(chunk)
        layer = self.layers[self.next_layer]
        if self.values is None:
            self.values = np.empty((len(self.heads), self.size, self.size), dtype=np.float32)
            self.received = np.zeros((len(self.heads), self.size), dtype=bool)
        for batch in _batches(chunk.arrow_ipc):
            self._accept_batch(layer, batch)
        if not self.received.all():
            return None
        done, self.values, self.received = self.values, None, None
        self.next_layer += 1
        return layer, done

    def finish(self) -> None:
        if self.next_layer < len(self.layers):
            raise StreamError(f"stream ended with layers {self.layers[self.next_layer:]} incomplete")

    def _check_header(self, chunk: pb.TensorChunk) -> None:
        if chunk.kind != self.kind:
            raise StreamError(f"chunk kind {pb.TensorChunk.Kind.Name(chunk.kind)}, expected "
                              f"{pb.TensorChunk.Kind.Name(self.kind)}")
        self.num_tokens = _check_num_tokens(self.num_tokens, chunk, self.expected_tokens)
        if chunk.rows != self.size or chunk.cols != self.size:
            raise StreamError(f"matrix shape {chunk.rows}x{chunk.cols}, expected {self.size}x{self.size}")
        if chunk.layers_total != len(self.layers):
            raise StreamError(f"layers_total {chunk.layers_total}, but {len(self.layers)} layers were asked for")
        if self.next_layer == len(self.layers):
            raise StreamError(f"layer {chunk.layer} after every requested layer was complete")
        expected = self.layers[self.next_layer]
        if chunk.layer != expected:
            state = "began before" if self.values is not None else "arrived instead of"
            raise StreamError(f"layer {chunk.layer} {state} layer {expected}"
                              + (" was complete" if self.values is not None else "")
                              + f" (layers must arrive in ascending order {self.layers})")

    def _accept_batch(self, layer: int, batch: pa.RecordBatch) -> None:
        layers = _ints(batch, "layer")
        heads = _ints(batch, "head")
        rows = _ints(batch, "row")
        values = _fixed_rows(batch, "values", self.size)
        if (layers != layer).any():
            raise StreamError(f"row of layer {int(layers[layers != layer][0])} in a chunk of layer {layer}")
        known = (heads >= 0) & (heads < len(self.head_slot))
        slots = np.where(known, self.head_slot[np.clip(heads, 0, len(self.head_slot) - 1)], -1)
        if (slots < 0).any():
            raise StreamError(f"layer {layer} head {int(heads[slots < 0][0])} was not asked for")
        if ((rows < 0) | (rows >= self.size)).any():
            bad = int(rows[(rows < 0) | (rows >= self.size)][0])
            raise StreamError(f"layer {layer} row {bad} outside [0, {self.size})")
        cells = slots * self.size + rows
        unique, counts = np.unique(cells, return_counts=True)
        twice = unique[counts > 1]
        flat = self.received.reshape(-1)
        if twice.size or flat[cells].any():
            cell = int(twice[0]) if twice.size else int(cells[flat[cells]][0])
            raise StreamError(f"layer {layer} head {self.heads[cell // self.size]} row {cell % self.size} sent twice")
        flat[cells] = True
        self.values[slots, rows] = values


class _Variant:
    def __init__(self, index: int, first_position: int, num_tokens: int, full_positions: set[int]):
        self.index = index
        self.first_position = first_position
        self.next_position = first_position
        self.num_tokens = num_tokens
        self.counts: list[np.ndarray] = []
        self.ids: list[np.ndarray] = []
        self.logits: list[np.ndarray] = []
        self.retained: list[np.ndarray] = []
        self.missing_full = set(full_positions)
        self.full: dict[int, np.ndarray] = {}

    def complete(self, nucleus: bool) -> bool:
        return (not nucleus or self.next_position == self.num_tokens) and not self.missing_full

    def build_nucleus(self) -> Nucleus:
        counts = np.concatenate(self.counts) if self.counts else np.zeros(0, dtype=np.int64)
        offsets = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return Nucleus(offsets, _cat(self.ids, np.int32), _cat(self.logits, np.float32), _cat(self.retained, np.float32))


def _cat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)


class LogitsAssembler:
    """Collects a Logits stream: nucleus rows into CSR arrays, full-logit rows by position.

    Chunks of different variants must not interleave; within a variant, nucleus positions arrive in
    order from its first_position to N-1, each once; full logits arrive for every requested position.
    """

    def __init__(self, variants: Sequence[Suppression], nucleus_max_k: int | None, full_positions: Sequence[int],
                 full_recompute: bool, expected_tokens: int | None, info: ModelInfo):
        self.suppressions = list(variants)
        self.max_k = nucleus_max_k
        self.requested_full = list(full_positions)
        self.full_recompute = full_recompute
        self.expected_tokens = expected_tokens
        self.vocab_size = info.vocab_size
        self.num_tokens = -1
        self.variants: list[_Variant | None] = [None] * len(self.suppressions)
        self.current: _Variant | None = None

    def accept(self, chunk: pb.TensorChunk) -> None:
        variant = self._variant_of(chunk)
        if chunk.kind == pb.TensorChunk.NUCLEUS:
            if self.max_k is None:
                raise StreamError("NUCLEUS chunk, but no nucleus was asked for")
            for batch in _batches(chunk.arrow_ipc):
                self._accept_nucleus(variant, batch)
        elif chunk.kind == pb.TensorChunk.FULL_LOGITS:
            if not self.requested_full:
                raise StreamError("FULL_LOGITS chunk, but no full logits were asked for")
            for batch in _batches(chunk.arrow_ipc):
                self._accept_full(variant, batch)
        else:
            raise StreamError(f"chunk kind {pb.TensorChunk.Kind.Name(chunk.kind)} in a Logits stream")

    def finish(self) -> list[VariantLogits]:
        """Per requested variant, in order; raises if any is incomplete."""
        out = []
        for i, variant in enumerate(self.variants):
            if variant is None or not variant.complete(self.max_k is not None):
                raise StreamError(f"stream ended before variant {i} was complete"
                                  + (" (no chunk of it arrived)" if variant is None else ""))
            nucleus = variant.build_nucleus() if self.max_k is not None else None
            out.append(VariantLogits(i, self.suppressions[i], self.num_tokens, variant.first_position, nucleus,
                                     variant.full))
        return out

    def _variant_of(self, chunk: pb.TensorChunk) -> _Variant:
        self.num_tokens = _check_num_tokens(self.num_tokens, chunk, self.expected_tokens)
        total = len(self.variants)
        if chunk.variants_total != total:
            raise StreamError(f"variants_total {chunk.variants_total}, but {total} variants were asked for")
        index = chunk.variant
        if not 0 <= index < total:
            raise StreamError(f"variant {index} outside [0, {total})")
        if self.current is not None and self.current.index == index:
            if chunk.first_position != self.current.first_position:
                raise StreamError(f"variant {index} first_position changed from {self.current.first_position} "
                                  f"to {chunk.first_position}")
            return self.current
        if self.variants[index] is not None:
            raise StreamError(f"variant {index} resumed after variant {self.current.index} began "
                              "(chunks of different variants must not interleave)")
        if self.current is not None and not self.current.complete(self.max_k is not None):
            raise StreamError(f"variant {index} began before variant {self.current.index} was complete")
        first = chunk.first_position
        limit = 0 if self.full_recompute else self.suppressions[index].first_affected
        if not 0 <= first <= limit:
            raise StreamError(f"variant {index} first_position {first}, expected 0.."
                              f"{limit} ({'full_recompute' if self.full_recompute else 'its first suppressed token'})")
        positions = set()
        for p in self.requested_full:
            absolute = p + self.num_tokens if p < 0 else p
            if not 0 <= absolute < self.num_tokens:
                raise StreamError(f"full logit position {p} is outside {self.num_tokens} tokens; "
                                  "the worker should have rejected it")
            positions.add(absolute)
        self.current = self.variants[index] = _Variant(index, first, self.num_tokens, positions)
        return self.current

    def _accept_nucleus(self, v: _Variant, batch: pa.RecordBatch) -> None:
        variants = _ints(batch, "variant")
        positions = _ints(batch, "position")
        retained = _column(batch, "retained_mass", pa.float32()).to_numpy()
        id_offsets, ids = _list_parts(batch, "token_ids", pa.int32())
        logit_offsets, logits = _list_parts(batch, "logits", pa.float32())
        if (variants != v.index).any():
            raise StreamError(f"row of variant {int(variants[variants != v.index][0])} in a chunk of variant {v.index}")
        expected = np.arange(v.next_position, v.next_position + len(positions))
        if len(positions) and (expected[-1] >= v.num_tokens or (positions != expected).any()):
            at = int(np.argmax((positions != expected) | (expected >= v.num_tokens)))
            raise StreamError(f"variant {v.index} nucleus row for position {int(positions[at])}, expected "
                              + (str(int(expected[at])) if expected[at] < v.num_tokens else "none (all arrived)"))
        if not np.array_equal(id_offsets - id_offsets[0], logit_offsets - logit_offsets[0]):
            raise StreamError(f"variant {v.index}: token_ids and logits lists differ in length")
        counts = np.diff(id_offsets)
        if ((counts < 1) | (counts > self.max_k)).any():
            at = int(np.argmax((counts < 1) | (counts > self.max_k)))
            raise StreamError(f"variant {v.index} position {int(positions[at])} keeps {int(counts[at])} tokens, "
                              f"expected 1..{self.max_k}")
        kept_ids = ids[id_offsets[0]: id_offsets[-1]]
        if kept_ids.size and (kept_ids.min() < 0 or kept_ids.max() >= self.vocab_size):
            bad = kept_ids[(kept_ids < 0) | (kept_ids >= self.vocab_size)][0]
            raise StreamError(f"nucleus token id {int(bad)} outside the vocabulary [0, {self.vocab_size})")
        v.counts.append(counts)
        v.ids.append(kept_ids.copy())
        v.logits.append(logits[logit_offsets[0]: logit_offsets[-1]].copy())
        v.retained.append(retained.copy())
        v.next_position += len(positions)

    def _accept_full(self, v: _Variant, batch: pa.RecordBatch) -> None:
        variants = _ints(batch, "variant")
        positions = _ints(batch, "position")
        rows = _fixed_rows(batch, "logits", self.vocab_size)
        for variant, position, row in zip(variants, positions, rows):
            if variant != v.index:
                raise StreamError(f"row of variant {int(variant)} in a chunk of variant {v.index}")
            p = int(position)
            if p not in v.missing_full:
                raise StreamError(f"variant {v.index} full logits at position {p} "
                                  + ("sent twice" if p in v.full else "were not asked for"))
            v.missing_full.discard(p)
            v.full[p] = row.copy()


def with_baseline_prefix(variants: list[VariantLogits], baseline: VariantLogits | None) -> list[VariantLogits]:
    """Each variant's nucleus over positions 0..N-1: positions before its first_position (not shipped,
    they cannot change) taken from the baseline's."""
    out = []
    for v in variants:
        if v.nucleus is None or v.first_position == 0:
            out.append(v)
            continue
        if baseline is None or baseline.nucleus is None or baseline.first_position != 0:
            raise StreamError(f"variant {v.variant} starts at position {v.first_position} and no baseline covers "
                              "the positions before it")
        b, n, first = baseline.nucleus, v.nucleus, v.first_position
        head = b.offsets[first]
        nucleus = Nucleus(np.concatenate([b.offsets[:first], n.offsets + head]),
                          np.concatenate([b.token_ids[:head], n.token_ids]),
                          np.concatenate([b.logits[:head], n.logits]),
                          np.concatenate([b.retained_mass[:first], n.retained_mass]))
        out.append(VariantLogits(v.variant, v.suppression, v.num_tokens, first, nucleus, v.full_logits))
    return out
