"""The forward passes behind the verbs: attention capture and logits per suppression variant.

No gRPC here. Results leave through callbacks as float32/int32 NumPy arrays, block by
block or layer by layer, so a caller can stream them while the forward runs and nothing
larger than one block (attention) or one position chunk (logits) is held.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from transformers import DynamicCache

from .attention import Cancelled, ForwardPlan, SampleSuppression, StopForward, run_with_plan
from .models import LoadedModel

# Logit rows per LM-head chunk are chosen so one chunk of full-vocabulary float32 logits
# stays near this size (the full N x V matrix is never built).
LOGITS_CHUNK_BYTES = 512 << 20


# ---------------------------------------------------------------- attention capture


class RawSink:
    """Ships token-level probability rows, zero-padded to N columns, block by block."""

    def __init__(self, heads: list[int], num_heads: int, num_tokens: int, device,
                 emit: Callable[[int, int, np.ndarray], None]):
        self.heads = torch.tensor(heads, dtype=torch.long, device=device)
        self.all_heads = heads == list(range(len(heads))) and len(heads) == num_heads
        self.num_tokens = num_tokens
        self.emit = emit  # (layer, first query row, (heads, rows, N) float32)

    def block(self, layer: int, query_start: int, probs: torch.Tensor) -> None:
        rows = torch.zeros(probs.shape[0], probs.shape[1], self.num_tokens, dtype=torch.float32)
        rows[:, :, : probs.shape[2]] = probs.cpu()
        self.emit(layer, query_start, rows.numpy())

    def layer_done(self, layer: int) -> None:
        pass


class PooledSink:
    """Block means of probabilities over given token ranges, accumulated on the device.

    M[i, j] = (1 / |S_i||S_j|) * sum_{q in S_i, k in S_j} A[q, k]   (spec §5.1)

    Rows are summed into range buckets first (cheap, rows are contiguous), then the small
    (ranges x keys) result is multiplied by the key-membership matrix. Empty ranges give NaN.
    """

    def __init__(self, heads: list[int], num_heads: int, ranges: list[tuple[int, int]], num_tokens: int, device,
                 emit: Callable[[int, np.ndarray], None]):
        self.heads = torch.tensor(heads, dtype=torch.long, device=device)
        self.all_heads = heads == list(range(len(heads))) and len(heads) == num_heads
        n = len(ranges)
        self.membership = torch.zeros(num_tokens, n, dtype=torch.float32, device=device)
        self.range_of_row = torch.full((num_tokens,), -1, dtype=torch.long, device=device)
        for i, (start, end) in enumerate(ranges):
            self.membership[start:end, i] = 1.0
            self.range_of_row[start:end] = i
        sizes = torch.tensor([end - start for start, end in ranges], dtype=torch.float32, device=device)
        self.cell_sizes = sizes[:, None] * sizes[None, :]
        self.n = n
        self.emit = emit  # (layer, (heads, n, n) float32)
        self.acc: torch.Tensor | None = None

    def block(self, layer: int, query_start: int, probs: torch.Tensor) -> None:
        if self.acc is None:
            self.acc = torch.zeros(probs.shape[0], self.n, self.n, dtype=torch.float32, device=probs.device)
        owner = self.range_of_row[query_start: query_start + probs.shape[1]]
        inside = owner >= 0
        if not bool(inside.any()):
            return
        if not bool(inside.all()):
            probs, owner = probs[:, inside], owner[inside]
        low, high = int(owner.min()), int(owner.max())
        row_sums = torch.zeros(probs.shape[0], high - low + 1, probs.shape[2],
                               dtype=torch.float32, device=probs.device)
        row_sums.index_add_(1, owner - low, probs)
        self.acc[:, low: high + 1] += row_sums @ self.membership[: probs.shape[2]]

    def layer_done(self, layer: int) -> None:
        pooled = self.acc / self.cell_sizes  # 0/0 -> NaN for empty ranges
        self.acc = None
        self.emit(layer, pooled.cpu().numpy())


def run_attention(lm: LoadedModel, ids: list[int], layers: list[int], sink, suppression: SampleSuppression | None,
                  query_block: int, cancel: threading.Event | None) -> None:
    """One forward of the decoder (no LM head), stopping after the last requested layer."""
    plan = ForwardPlan(samples=[suppression] if suppression else [], capture_layers=frozenset(layers),
                       sink=sink, query_block=query_block, cancel=cancel)
    inputs = torch.tensor([ids], dtype=torch.long, device=lm.device)
    decoder = lm.model.get_decoder()
    with torch.inference_mode():
        try:
            run_with_plan(plan, lambda: decoder(input_ids=inputs, use_cache=False))
        except StopForward:
            pass


# ---------------------------------------------------------------- logits


@dataclass(frozen=True)
class Nucleus:
    top_p: float
    max_k: int
    temperature: float
    round_to_float16: bool


@dataclass
class CompressedPositions:
    """Nucleus of consecutive positions in CSR form (descending probability within a row)."""

    first_position: int
    counts: np.ndarray      # int32 [P]
    token_ids: np.ndarray   # int32 [sum counts]
    logits: np.ndarray      # float32 [sum counts], raw (untempered)
    retained: np.ndarray    # float32 [P], tempered probability mass kept


# exp() of arguments far below zero takes a slow path on x86 CPUs (20x here); terms below
# e^-80 change a softmax normaliser by less than V * e^-80 < 1e-29 relative, so clamp them.
_EXP_FLOOR = -80.0


_GROUP = 64


def top_k(logits: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """torch.topk over rows, exactly, a third faster for a small k over a large vocabulary.

    The k largest entries of a row always lie in the k groups (of 64 columns) with the largest
    maxima: any other group's maximum is exceeded by k group maxima already. So select those
    groups first, then take the top k among their k * 64 candidates.
    """
    rows, vocab = logits.shape
    groups = vocab // _GROUP
    if groups < 4 * k:
        return torch.topk(logits, k, dim=-1)
    maxima = logits[:, : groups * _GROUP].view(rows, groups, _GROUP).amax(-1)
    chosen = torch.topk(maxima, k, dim=-1).indices
    columns = torch.arange(_GROUP, device=logits.device)
    candidates = (chosen[:, :, None] * _GROUP + columns).reshape(rows, -1)
    if vocab > groups * _GROUP:  # the ragged tail is always a candidate
        tail = torch.arange(groups * _GROUP, vocab, device=logits.device).expand(rows, -1)
        candidates = torch.cat([candidates, tail], dim=1)
    values, where = torch.topk(torch.gather(logits, 1, candidates), k, dim=-1)
    return values, torch.gather(candidates, 1, where)


def compress(logits: torch.Tensor, spec: Nucleus, first_position: int) -> CompressedPositions:
    """Nucleus compression (spec §11.2) on the device. Overwrites `logits` (a scratch buffer).

    Only the top max_k candidates are sorted: the nucleus is a prefix of them, and the
    normaliser is a full-vocabulary sum, so the kept set and mass equal a full sort's.
    """
    cap = min(spec.max_k, logits.shape[-1])
    top, ids = top_k(logits, cap)
    top = top.float()
    scaled = logits.float() if logits.dtype != torch.float32 else logits
    scaled.sub_(top[:, :1]).mul_(1.0 / spec.temperature).clamp_(min=_EXP_FLOOR).exp_()
    normaliser = scaled.sum(-1, keepdim=True).double()  # float32 cascade sum; float64 here is 6x slower
    probs = torch.exp((top - top[:, :1]).double() / spec.temperature) / normaliser
    cumulative = torch.cumsum(probs, dim=-1)
    counts = ((cumulative < spec.top_p).sum(-1) + 1).clamp(max=cap)
    retained = cumulative.gather(-1, (counts - 1)[:, None]).squeeze(-1).float()
    if spec.round_to_float16:
        top = top.half().float()
    keep = torch.arange(cap, device=logits.device)[None, :] < counts[:, None]
    return CompressedPositions(
        first_position=first_position,
        counts=counts.to(torch.int32).cpu().numpy(),
        token_ids=ids[keep].to(torch.int32).cpu().numpy(),
        logits=top[keep].cpu().numpy(),
        retained=retained.cpu().numpy(),
    )


class LogitsEmitter:
    """Where the logits of each variant go (implemented by the service)."""

    def nucleus(self, variant: int, part: CompressedPositions) -> None: ...

    def full(self, variant: int, first_position: int, positions: list[int], logits: np.ndarray) -> None: ...

    def variant_done(self, variant: int) -> None: ...


def _prefix_cache(cache: DynamicCache, length: int, copies: int) -> DynamicCache:
    """A new cache holding the first `length` positions of `cache` (views; `cache` is untouched)."""
    out = DynamicCache()
    for layer_idx, layer in enumerate(cache.layers):
        out.update(layer.keys[:, :, :length], layer.values[:, :, :length], layer_idx)
    if copies > 1:
        out.batch_repeat_interleave(copies)
    return out


class LogitsRunner:
    def __init__(self, lm: LoadedModel, ids: list[int], nucleus: Nucleus | None, full_positions: list[int],
                 emitter: LogitsEmitter, cancel: threading.Event | None):
        self.lm = lm
        self.ids = torch.tensor([ids], dtype=torch.long, device=lm.device)
        self.num_tokens = len(ids)
        self.nucleus = nucleus
        self.full_positions = sorted(set(full_positions))
        self.emitter = emitter
        self.cancel = cancel
        self.decoder = lm.model.get_decoder()
        self.lm_head = lm.model.get_output_embeddings()
        self.chunk = max(1, LOGITS_CHUNK_BYTES // (4 * lm.vocab_size))
        self._buffer: torch.Tensor | None = None

    def run(self, variants: list[SampleSuppression], full_recompute: bool, batch_size: int) -> None:
        with torch.inference_mode():
            if full_recompute:
                self._run_full(variants, batch_size)
            else:
                self._run_with_prefix_reuse(variants, batch_size)

    # A variant's first affected position: nothing before its earliest suppressed key can change.
    def _first_affected(self, variant: SampleSuppression) -> int:
        starts = [start for start, end in variant.ranges if end > start]
        return min(starts + [self.num_tokens]) if starts else 0

    def _run_full(self, variants, batch_size):
        for batch in _batches(list(enumerate(variants)), batch_size):
            self._check_cancel()
            plan = ForwardPlan(samples=[v for _, v in batch], cancel=self.cancel)
            inputs = self.ids.expand(len(batch), -1)
            hidden = run_with_plan(plan, lambda: self.decoder(input_ids=inputs, use_cache=False)).last_hidden_state
            for b, (index, _) in enumerate(batch):
                self._ship(index, hidden[b], 0, baseline_hidden=None)

    def _run_with_prefix_reuse(self, variants, batch_size):
        firsts = [self._first_affected(v) for v in variants]
        baseline = [i for i, v in enumerate(variants) if not any(e > s for s, e in v.ranges)]
        suppressed = [i for i in range(len(variants)) if i not in baseline]
        # One unsuppressed pass over the whole input provides the KV cache of every prefix (and the baseline).
        # Always the whole input, never just the longest prefix needed: kernels round differently at other
        # lengths, and the reference sparse KL turns such differences into large values (spec §11.3), so a
        # variant's result must not depend on which other variants share its call.
        self._check_cancel()
        out = run_with_plan(ForwardPlan(cancel=self.cancel), lambda: self.decoder(input_ids=self.ids, use_cache=True))
        cache, prefix_hidden = out.past_key_values, out.last_hidden_state[0]
        for index in baseline:
            self._ship(index, prefix_hidden, 0, baseline_hidden=None)
        for batch in _batches(suppressed, batch_size):
            self._check_cancel()
            start = min(firsts[i] for i in batch)
            plan = ForwardPlan(samples=[variants[i] for i in batch], cancel=self.cancel)
            inputs = self.ids[:, start:].expand(len(batch), -1)
            past = _prefix_cache(cache, start, len(batch)) if start > 0 else None
            hidden = run_with_plan(plan, lambda: self.decoder(
                input_ids=inputs, past_key_values=past, use_cache=past is not None)).last_hidden_state
            for b, index in enumerate(batch):
                skip = firsts[index] - start
                self._ship(index, hidden[b, skip:], firsts[index], baseline_hidden=prefix_hidden)

    def _logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """LM head into a reused buffer: fresh multi-MB allocations per chunk cost page faults."""
        rows = hidden.shape[0]
        if self._buffer is None or self._buffer.shape[0] < rows:
            self._buffer = torch.empty(max(rows, self.chunk), self.lm_head.weight.shape[0],
                                       dtype=hidden.dtype, device=hidden.device)
        out = self._buffer[:rows]
        torch.matmul(hidden, self.lm_head.weight.T, out=out)
        if self.lm_head.bias is not None:
            out += self.lm_head.bias
        return out

    def _ship(self, variant: int, hidden: torch.Tensor, first: int, baseline_hidden: torch.Tensor | None):
        """Emit nucleus rows for positions [first, N) and full logits at the requested positions."""
        if self.nucleus is not None:
            for offset in range(0, hidden.shape[0], self.chunk):
                self._check_cancel()
                logits = self._logits(hidden[offset: offset + self.chunk])
                self.emitter.nucleus(variant, compress(logits, self.nucleus, first + offset))
        if self.full_positions:
            rows = [hidden[p - first] if p >= first else baseline_hidden[p] for p in self.full_positions]
            logits = self._logits(torch.stack(rows)).float().cpu().numpy()
            self.emitter.full(variant, first, self.full_positions, logits)
        self.emitter.variant_done(variant)

    def _check_cancel(self):
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled()


def _batches(items: list, size: int):
    size = max(1, size)
    for i in range(0, len(items), size):
        yield items[i: i + size]
