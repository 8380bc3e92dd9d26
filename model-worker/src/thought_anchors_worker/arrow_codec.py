"""Arrow IPC encoding of the streamed tensors (schemas as documented in worker.proto).

Every message is a self-contained IPC stream (schema + one record batch) and no larger
than the call's chunk limit, so clients in any language decode each message on its own.
Arrays are float32/int32; columns have no nulls, so no validity buffers are written.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import pyarrow as pa

# Room for the schema and message headers inside a chunk.
_HEADER_BYTES = 16 << 10


def _ipc(batch: pa.RecordBatch) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return sink.getvalue().to_pybytes()


def rows_per_chunk(bytes_per_row: int, max_chunk_bytes: int) -> int:
    return max(1, (max_chunk_bytes - _HEADER_BYTES) // bytes_per_row)


def check_row_fits(bytes_per_row: int, max_chunk_bytes: int, what: str) -> None:
    if bytes_per_row + _HEADER_BYTES > max_chunk_bytes:
        raise ValueError(f"max_chunk_bytes={max_chunk_bytes} cannot hold one {what} row "
                         f"({bytes_per_row + _HEADER_BYTES} bytes with headers)")


def attention_chunks(layer: int, heads: list[int], first_row: int, matrices: np.ndarray,
                     max_chunk_bytes: int) -> Iterator[bytes]:
    """matrices: (len(heads), rows, cols) float32 -> chunks of rows (layer, head, row, values)."""
    n_heads, n_rows, n_cols = matrices.shape
    flat = np.ascontiguousarray(matrices, dtype=np.float32).reshape(n_heads * n_rows, n_cols)
    head_col = np.repeat(np.asarray(heads, dtype=np.int32), n_rows)
    row_col = np.tile(np.arange(first_row, first_row + n_rows, dtype=np.int32), n_heads)
    step = rows_per_chunk(4 * n_cols + 12, max_chunk_bytes)
    for lo in range(0, flat.shape[0], step):
        hi = min(flat.shape[0], lo + step)
        values = pa.FixedSizeListArray.from_arrays(pa.array(flat[lo:hi].reshape(-1)), n_cols)
        yield _ipc(pa.record_batch({
            "layer": pa.array(np.full(hi - lo, layer, dtype=np.int32)),
            "head": pa.array(head_col[lo:hi]),
            "row": pa.array(row_col[lo:hi]),
            "values": values,
        }))


def nucleus_chunks(variant: int, first_position: int, counts: np.ndarray, token_ids: np.ndarray,
                   logits: np.ndarray, retained: np.ndarray, max_chunk_bytes: int) -> Iterator[bytes]:
    """CSR nucleus rows -> chunks of (variant, position, retained_mass, token_ids, logits)."""
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    step = rows_per_chunk(16 + 8 * int(counts.max(initial=1)), max_chunk_bytes)
    for lo in range(0, len(counts), step):
        hi = min(len(counts), lo + step)
        a, b = int(offsets[lo]), int(offsets[hi])
        local = (offsets[lo: hi + 1] - a).astype(np.int32)
        yield _ipc(pa.record_batch({
            "variant": pa.array(np.full(hi - lo, variant, dtype=np.int32)),
            "position": pa.array(np.arange(first_position + lo, first_position + hi, dtype=np.int32)),
            "retained_mass": pa.array(retained[lo:hi].astype(np.float32)),
            "token_ids": pa.ListArray.from_arrays(pa.array(local), pa.array(token_ids[a:b].astype(np.int32))),
            "logits": pa.ListArray.from_arrays(pa.array(local), pa.array(logits[a:b].astype(np.float32))),
        }))


def full_logits_chunks(variant: int, positions: list[int], logits: np.ndarray,
                       max_chunk_bytes: int) -> Iterator[bytes]:
    """logits: (len(positions), V) float32 -> chunks of (variant, position, logits[V])."""
    vocab = logits.shape[1]
    step = rows_per_chunk(4 * vocab + 8, max_chunk_bytes)
    for lo in range(0, len(positions), step):
        hi = min(len(positions), lo + step)
        yield _ipc(pa.record_batch({
            "variant": pa.array(np.full(hi - lo, variant, dtype=np.int32)),
            "position": pa.array(np.asarray(positions[lo:hi], dtype=np.int32)),
            "logits": pa.FixedSizeListArray.from_arrays(
                pa.array(np.ascontiguousarray(logits[lo:hi], dtype=np.float32).reshape(-1)), vocab),
        }))
