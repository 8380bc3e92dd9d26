"""Loading for the transformerlens backend: the hf backend's model and tokenizer, wrapped in a bridge.

Weights and tokenizer come from the hf backend's loader (synthetic specs with seeded weights,
HF ids, local directories, and its refusals of sliding windows and soft-capping), so both
backends serve the same numbers from the same files and tokenise identically. The loaded
transformers model is then handed to TransformerLens' ``build_bridge_from_module`` without
weight processing (no folded norms, no centring: the bridge's numerics are the model's).

A TransformerLens adapter that delegates attention to transformers would never fire the
hooks, and suppression would be silently ignored; a model whose logits are transformed after
the LM head would be served wrong by the chunked head. A probe forward at load checks both
and refuses the model otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from transformer_lens.model_bridge import TransformerBridge
from transformer_lens.model_bridge.sources import build_bridge_from_module

from ...backend import LoadOptions, ModelLoadError, Suppression
from ..hf.loading import LoadedModel, load_model
from .hooks import FINAL_NORM_HOOK, HookPlan, pattern_hook, run_with_plan, scores_hook


@dataclass(frozen=True)
class BridgedModel:
    lm: LoadedModel              # the transformers model (its modules now the bridge's) and tokenizer
    bridge: TransformerBridge

    @property
    def device(self) -> torch.device:
        return self.lm.device

    @property
    def num_layers(self) -> int:
        return self.bridge.cfg.n_layers

    @property
    def lm_head(self) -> torch.nn.Module:
        """The transformers LM head inside the bridge's unembedding (applied in chunks, without its hooks)."""
        return self.bridge.unembed.original_component


def load_bridged(options: LoadOptions) -> BridgedModel:
    lm = load_model(options.model, options.dtype, options.device, options.device_map, options.max_tokens)
    model = lm.model
    model.set_attn_implementation("eager")  # the bridge reimplements attention; eager gives it an additive mask
    architecture = type(model).__name__
    try:
        bridge = build_bridge_from_module(model, architecture, hf_config=model.config, model_name=options.model)
    except Exception as err:  # TransformerLens raises plain exceptions for architectures it has no adapter for
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ModelLoadError(f"TransformerLens cannot bridge {options.model!r} ({architecture}): {reason}") from err
    bridge.eval()
    bridged = BridgedModel(lm, bridge)
    _probe(bridged, options.model)
    return bridged


def _probe(bridged: BridgedModel, name: str) -> None:
    """Refuse a model whose hooks would not do what the backend relies on, on a 6-token input."""
    bridge, layers = bridged.bridge, bridged.num_layers
    missing = [h for layer in range(layers) for h in (scores_hook(layer), pattern_hook(layer))
               if h not in bridge.hook_dict] + [h for h in (FINAL_NORM_HOOK,) if h not in bridge.hook_dict]
    if missing:
        raise ModelLoadError(f"{name!r}: the TransformerLens bridge has no hook points {missing[:3]}; "
                             "suppression and capture need them")
    ids = torch.tensor([[1, 2, 3, 4, 5, 6]], device=bridged.device) % bridge.cfg.d_vocab
    with torch.inference_mode():
        reference = bridge(ids)  # the model's own logits, through transformers' LM head
        patterns = _ProbePatterns()
        run_with_plan(bridge, ids, HookPlan(layers, samples=[Suppression([(2, 4)])]), patterns.fwd_hooks(layers))
        plain = HookPlan(layers, want_final_hidden=True)
        run_with_plan(bridge, ids, plain)
        chunked = bridged.lm_head(plain.final_hidden)
    if sorted(patterns.seen) != list(range(layers)):
        raise ModelLoadError(f"{name!r}: TransformerLens' attention hooks fired in layers {sorted(patterns.seen)} "
                             f"of {layers}; suppression and capture would be silently ignored")
    if any(float(p[..., 2:4].abs().max()) != 0.0 for p in patterns.seen.values()):
        raise ModelLoadError(f"{name!r}: scores written in TransformerLens' hook_attn_scores do not reach its "
                             "softmax; suppression would be silently ignored")
    if not torch.allclose(chunked, reference, rtol=1e-3, atol=1e-3):
        raise ModelLoadError(f"{name!r} transforms its logits after the LM head; the worker's chunked LM head "
                             "does not")


class _ProbePatterns:
    def __init__(self):
        self.seen: dict[int, torch.Tensor] = {}

    def fwd_hooks(self, layers: int) -> list:
        def record(layer):
            def hook(pattern, hook=None):
                self.seen[layer] = pattern.detach().clone()
                return pattern
            return hook
        return [(pattern_hook(layer), record(layer)) for layer in range(layers)]
