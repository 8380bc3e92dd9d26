"""Capture sinks shared by every backend: raw probability rows and pooled sentence blocks.

Backend-free (torch, no model library): a backend's kernel hands each captured layer's float32
probabilities to a sink block by block, for all query heads; the sink selects the requested
heads, reduces on the device and emits NumPy arrays. So RAW and POOLED mean the same thing
whichever backend computed the probabilities.
"""

from __future__ import annotations

import bisect

import torch

from .backend import AttentionEmitter, AttentionPass, CaptureMode, CaptureSink


def sink_for(forward: AttentionPass, num_heads: int, device, emit: AttentionEmitter) -> CaptureSink:
    if forward.mode is CaptureMode.RAW:
        return RawSink(forward.heads, num_heads, len(forward.ids), device, emit)
    return PooledSink(forward.heads, num_heads, forward.pool_ranges, len(forward.ids), device, emit)


class _HeadSelection:
    def __init__(self, heads: list[int], num_heads: int, device):
        self.heads = torch.tensor(heads, dtype=torch.long, device=device)
        self.all_heads = heads == list(range(num_heads))  # no selection needed

    def select(self, probs: torch.Tensor) -> torch.Tensor:
        return probs if self.all_heads else probs.index_select(0, self.heads)


class RawSink:
    """Ships token-level probability rows, zero-padded to N columns, block by block."""

    def __init__(self, heads: list[int], num_heads: int, num_tokens: int, device, emit: AttentionEmitter):
        self.selection = _HeadSelection(heads, num_heads, device)
        self.num_tokens = num_tokens
        self.emit = emit  # (layer, first query row, (heads, rows, N) float32)

    def block(self, layer: int, query_start: int, probs: torch.Tensor) -> None:
        probs = self.selection.select(probs)
        rows = torch.zeros(probs.shape[0], probs.shape[1], self.num_tokens, dtype=torch.float32)
        rows[:, :, : probs.shape[2]] = probs.cpu()
        self.emit(layer, query_start, rows.numpy())

    def layer_done(self, layer: int) -> None:
        pass


class PooledSink:
    """Block means of probabilities over given token ranges, accumulated on the device.

    M[i, j] = (1 / |S_i||S_j|) * sum_{q in S_i, k in S_j} A[q, k]   (docs/algorithms.md §4.1)

    Per query block, the rows of each range the block overlaps are summed first (a matmul with the
    block's slice of the membership matrix; rows in no range drop out), then the small
    (ranges x keys) result is multiplied by the key-membership matrix. Which ranges a block overlaps
    is found on the host, so no block waits for the device. Empty ranges give NaN.
    """

    def __init__(self, heads: list[int], num_heads: int, ranges: list[tuple[int, int]], num_tokens: int, device,
                 emit: AttentionEmitter):
        self.selection = _HeadSelection(heads, num_heads, device)
        n = len(ranges)
        self.membership = torch.zeros(num_tokens, n, dtype=torch.float32, device=device)
        for i, (start, end) in enumerate(ranges):
            self.membership[start:end, i] = 1.0
        self.starts = [start for start, _ in ranges]  # both ascending: the ranges are sorted and disjoint
        self.ends = [end for _, end in ranges]
        sizes = torch.tensor([end - start for start, end in ranges], dtype=torch.float32, device=device)
        self.cell_sizes = sizes[:, None] * sizes[None, :]
        self.n = n
        self.emit = emit  # (layer, 0, (heads, n, n) float32): each layer whole
        self.acc: torch.Tensor | None = None

    def block(self, layer: int, query_start: int, probs: torch.Tensor) -> None:
        probs = self.selection.select(probs)
        if self.acc is None:
            self.acc = torch.zeros(probs.shape[0], self.n, self.n, dtype=torch.float32, device=probs.device)
        query_end = query_start + probs.shape[1]
        first = bisect.bisect_right(self.ends, query_start)  # ranges ending after the block's first row
        last = bisect.bisect_left(self.starts, query_end)    # ... and starting before its end
        if first >= last:
            return
        rows_in_range = self.membership[query_start:query_end, first:last].T  # (ranges, rows) 0/1
        row_sums = torch.matmul(rows_in_range, probs)  # (heads, ranges, keys)
        self.acc[:, first:last] += row_sums @ self.membership[: probs.shape[2]]

    def layer_done(self, layer: int) -> None:
        pooled = self.acc / self.cell_sizes  # 0/0 -> NaN for empty ranges
        self.acc = None
        self.emit(layer, 0, pooled.cpu().numpy())
