"""Nucleus compression of logits, shared by every backend (docs/algorithms.md §12.2).

Backend-free (torch, no model library): a backend computes a chunk of logit rows on its device
and hands them to :func:`compress`, so every backend keeps the same tokens and masses.
"""

from __future__ import annotations

import torch

from .backend import CompressedPositions, Nucleus

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
    """Nucleus compression (docs/algorithms.md §12.2) on the device. Overwrites `logits` (a scratch buffer).

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


# Logit rows per LM-head chunk are chosen so one chunk of full-vocabulary float32 logits
# stays near this size (the full N x V matrix is never built). A GPU wants large launches; on a
# CPU a chunk of about a hundred rows is as fast in steady state (docs/performance.md) and its
# buffer, made afresh for every Logits call, is an eighth of the page faults and resident memory.
LOGITS_CHUNK_BYTES = 512 << 20
CPU_LOGITS_CHUNK_BYTES = 64 << 20


class LmHead:
    """A model's LM head computed into one reused buffer, `chunk` rows at a time: fresh multi-MB allocations per
    chunk cost page faults. Rows handed out alias the buffer until the next call (copy what is kept)."""

    def __init__(self, lm_head: torch.nn.Linear, chunk_bytes: int | None = None):
        self.head = lm_head
        if chunk_bytes is None:
            cpu = lm_head.weight.device.type == "cpu"
            chunk_bytes = CPU_LOGITS_CHUNK_BYTES if cpu else LOGITS_CHUNK_BYTES
        self.chunk = max(1, chunk_bytes // (4 * lm_head.weight.shape[0]))
        self._buffer: torch.Tensor | None = None

    def __call__(self, hidden: torch.Tensor) -> torch.Tensor:
        rows = hidden.shape[0]
        if self._buffer is None or self._buffer.shape[0] < rows:
            self._buffer = torch.empty(max(rows, self.chunk), self.head.weight.shape[0],
                                       dtype=hidden.dtype, device=hidden.device)
        out = self._buffer[:rows]
        torch.matmul(hidden, self.head.weight.T, out=out)
        if self.head.bias is not None:
            out += self.head.bias
        return out

