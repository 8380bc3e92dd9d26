"""The transformerlens backend: suppression and capture at TransformerLens' attention hooks."""

from __future__ import annotations

import threading
from importlib.metadata import version
from typing import Sequence

from ... import synthetic
from ...backend import (CAPABILITIES, AttentionEmitter, AttentionPass, LoadOptions,
                        LogitsEmitter, LogitsPass, ModelInfo, Tokenization)
from ...capture import sink_for
from ...devices import device_errors, release_memory
from ..hf import tokenizer
from .loading import BridgedModel, load_bridged
from .passes import LogitsRunner, run_attention

NAME = "transformerlens"
# The bridge is handed no KV cache: every Logits call recomputes and ships every position from 0.
SERVED = CAPABILITIES - {"logits.prefix_reuse"}

def load(options: LoadOptions) -> TransformerLensBackend:
    return TransformerLensBackend(load_bridged(options))

class TransformerLensBackend:
    def __init__(self, model: BridgedModel):
        self.model = model
        self._info = _describe(model)

    @property
    def lm(self):
        """The transformers model inside the bridge and its tokenizer (as the hf backend's ``lm``)."""
        return self.model.lm

    @property
    def bridge(self):
        return self.model.bridge

    def describe(self) -> ModelInfo:
        return self._info

    def tokenize(self, text: str) -> Tokenization:
        return tokenizer.tokenize(self.lm.tokenizer, text)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return tokenizer.count_tokens(self.lm.tokenizer, texts)

    def attention(self, forward: AttentionPass, emit: AttentionEmitter, cancel: threading.Event) -> None:
        sink = sink_for(forward, self._info.num_query_heads, self.model.device, emit)
        with device_errors():
            run_attention(self.model, forward.ids, forward.layers, sink, forward.suppression, forward.query_block,
                          cancel)

    def logits(self, forward: LogitsPass, emitter: LogitsEmitter, cancel: threading.Event) -> None:
        with device_errors():
            LogitsRunner(self.model, forward.ids, forward.nucleus, forward.full_positions, emitter, cancel).run(
                forward.variants, forward.batch_size)

    def release_memory(self) -> None:
        release_memory()

def _describe(model: BridgedModel) -> ModelInfo:
    """In TransformerLens' own terms (its config), which the parity tests hold against the hf backend's."""
    cfg, lm = model.bridge.cfg, model.lm
    attention = type(model.bridge.blocks[0].attn).__name__
    return ModelInfo(
        model_id=lm.model_id,
        architecture=type(lm.model).__name__,
        num_layers=cfg.n_layers,
        num_query_heads=cfg.n_heads,
        num_kv_heads=cfg.n_key_value_heads or cfg.n_heads,
        head_dim=cfg.d_head,
        d_model=cfg.d_model,
        d_mlp=cfg.d_mlp,
        vocab_size=model.lm_head.weight.shape[0],
        bos_token_id=tokenizer.bos_token_id(lm.tokenizer),
        dtype=str(model.lm_head.weight.dtype).removeprefix("torch."),
        attention_implementation=f"transformer_lens {attention} (explicit scores, float32 softmax; suppression "
                                 "at hook_attn_scores, capture at hook_pattern)",
        devices=tuple(sorted({str(p.device) for p in lm.model.parameters()})),
        max_tokens=lm.max_tokens,
        synthetic_weights=lm.synthetic,
        notes=synthetic.NOTE if lm.synthetic else "",
        capabilities=SERVED,
        backend=NAME,
        backend_version=f"transformer-lens-{version('transformer-lens')}",
    )
