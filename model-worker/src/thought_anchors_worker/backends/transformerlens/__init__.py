"""The transformerlens backend: TransformerLens' ``TransformerBridge`` over the same transformers
models the hf backend serves, so a model a researcher studies with TransformerLens hooks is served
through the hooks they know.

The bridge reimplements each layer's attention (explicit scores, float32 softmax) and exposes
``blocks.{l}.attn.hook_attn_scores`` (before the softmax, after the causal mask) and
``blocks.{l}.attn.hook_pattern`` (after it). Suppression writes into the scores hook, capture
reads the pattern hook and pools it layer by layer (``hooks.py``); logits come from the final
norm's hook through a chunked LM head (``passes.py``). Weights and tokenizer are loaded by the hf
backend's loader, so both backends serve the same numbers from the same files (``loading.py``).
No prefix reuse: every Logits call is a full recompute from position 0.
"""

from .backend import TransformerLensBackend, load

__all__ = ["TransformerLensBackend", "load"]
