"""The hf backend's forward passes: attention capture and logits per suppression variant.

Results leave through the seam's sinks and emitters as float32/int32 NumPy arrays, block by
block or layer by layer, so the service streams them while the forward runs and nothing
larger than one block (attention) or one position chunk (logits) is held.
"""

from __future__ import annotations

import threading

import torch
from transformers import DynamicCache

from ...backend import CaptureSink, Cancelled, Kernel, LogitsEmitter, Nucleus, Suppression
from ...nucleus import LmHead, compress
from .attention import ForwardPlan, StopForward, run_with_plan
from .loading import LoadedModel


# ---------------------------------------------------------------- attention capture


def run_attention(lm: LoadedModel, ids: list[int], layers: list[int], sink: CaptureSink,
                  suppression: Suppression | None, query_block: int, cancel: threading.Event | None) -> None:
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
        self._logits = LmHead(lm.model.get_output_embeddings())
        self.chunk = self._logits.chunk

    def run(self, variants: list[Suppression], full_recompute: bool, batch_size: int,
            kernel: Kernel = Kernel.MASK) -> None:
        with torch.inference_mode():
            if kernel is Kernel.MONKEYPATCH:  # the reference: every variant its own whole forward
                self._run_full(variants, 1, kernel)
            elif full_recompute:
                self._run_full(variants, batch_size, kernel)
            else:
                self._run_with_prefix_reuse(variants, batch_size)

    def _run_full(self, variants, batch_size, kernel):
        for batch in _batches(list(enumerate(variants)), batch_size):
            self._check_cancel()
            plan = ForwardPlan(samples=[v for _, v in batch], cancel=self.cancel, kernel=kernel)
            inputs = self.ids.expand(len(batch), -1)
            hidden = run_with_plan(plan, lambda: self.decoder(input_ids=inputs, use_cache=False)).last_hidden_state
            for b, (index, _) in enumerate(batch):
                self._ship(index, hidden[b], 0, baseline_hidden=None)

    def _run_with_prefix_reuse(self, variants, batch_size):
        firsts = [v.first_affected(self.num_tokens) for v in variants]
        baseline = [i for i, v in enumerate(variants) if v.is_baseline]
        suppressed = [i for i in range(len(variants)) if i not in baseline]
        # One unsuppressed pass over the whole input provides the KV cache of every prefix (and the baseline).
        # Always the whole input, never just the longest prefix needed: kernels round differently at other
        # lengths, and the reference sparse KL turns such differences into large values (docs/algorithms.md §12.3), so a
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

    def _ship(self, variant: int, hidden: torch.Tensor, first: int, baseline_hidden: torch.Tensor | None):
        """Emit nucleus rows for positions [first, N) and full logits at the requested positions."""
        if self.nucleus is not None:
            for offset in range(0, hidden.shape[0], self.chunk):
                self._check_cancel()
                logits = self._logits(hidden[offset: offset + self.chunk])
                self.emitter.nucleus(variant, compress(logits, self.nucleus, first + offset))
        if self.full_positions:
            rows = [hidden[p - first] if p >= first else baseline_hidden[p] for p in self.full_positions]
            # a copy: the LM-head buffer is reused, and an emitter may keep the rows it is given
            logits = self._logits(torch.stack(rows)).float().cpu().numpy().copy()
            self.emitter.full(variant, first, self.full_positions, logits)

    def _check_cancel(self):
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled()


def _batches(items: list, size: int):
    size = max(1, size)
    for i in range(0, len(items), size):
        yield items[i: i + size]
