"""The transformerlens backend's forward passes: attention capture and logits per suppression variant.

Attention: one forward of the bridge under a capture plan, stopped after the last requested
layer. Logits: no prefix reuse (the bridge is not given a KV cache), so every variant is a full
forward from position 0, ``batch_size`` variants per forward; the final norm's output is taken
from its hook and the LM head applied in chunks, so the N x V logits are never built.
"""

from __future__ import annotations

import threading

import torch

from ...backend import Cancelled, CaptureSink, LogitsEmitter, Nucleus, Suppression
from ...nucleus import LmHead, compress
from .hooks import HookPlan, run_with_plan
from .loading import BridgedModel


def run_attention(model: BridgedModel, ids: list[int], layers: list[int], sink: CaptureSink,
                  suppression: Suppression | None, query_block: int, cancel: threading.Event | None) -> None:
    plan = HookPlan(model.num_layers, samples=[suppression] if suppression else [],
                    capture_layers=frozenset(layers), sink=sink, query_block=query_block, cancel=cancel)
    with torch.inference_mode():
        run_with_plan(model.bridge, torch.tensor([ids], dtype=torch.long, device=model.device), plan)


class LogitsRunner:
    def __init__(self, model: BridgedModel, ids: list[int], nucleus: Nucleus | None, full_positions: list[int],
                 emitter: LogitsEmitter, cancel: threading.Event | None):
        self.model = model
        self.ids = torch.tensor([ids], dtype=torch.long, device=model.device)
        self.nucleus = nucleus
        self.full_positions = sorted(set(full_positions))
        self.emitter = emitter
        self.cancel = cancel
        self._logits = LmHead(model.lm_head)
        self.chunk = self._logits.chunk

    def run(self, variants: list[Suppression], batch_size: int) -> None:
        indexed = list(enumerate(variants))
        size = max(1, batch_size)
        with torch.inference_mode():
            for i in range(0, len(indexed), size):
                batch = indexed[i: i + size]
                self._check_cancel()
                plan = HookPlan(self.model.num_layers, samples=[v for _, v in batch], cancel=self.cancel,
                                want_final_hidden=True)
                run_with_plan(self.model.bridge, self.ids.expand(len(batch), -1), plan)
                for b, (index, _) in enumerate(batch):
                    self._ship(index, plan.final_hidden[b])

    def _ship(self, variant: int, hidden: torch.Tensor) -> None:
        """Every position from 0: nucleus rows in chunks, then full logits at the requested positions."""
        if self.nucleus is not None:
            for offset in range(0, hidden.shape[0], self.chunk):
                self._check_cancel()
                logits = self._logits(hidden[offset: offset + self.chunk])
                self.emitter.nucleus(variant, compress(logits, self.nucleus, offset))
        if self.full_positions:
            # a copy: the LM-head buffer is reused, and an emitter may keep the rows it is given
            logits = self._logits(hidden[self.full_positions]).float().cpu().numpy().copy()
            self.emitter.full(variant, 0, self.full_positions, logits)

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled()
