"""The hf backend: transformers models, suppression and capture through the attention interface."""

from __future__ import annotations

import threading
from typing import Sequence

import transformers

from ...backend import (CAPABILITIES, CHAT_TEMPLATE, GENERATE, KERNEL_MONKEYPATCH, AttentionEmitter, AttentionPass,
                        GenerateOutcome, GeneratePass, LoadOptions, LogitsEmitter, LogitsPass, ModelInfo,
                        Tokenization, TokenEmitter)
from ...capture import sink_for
from ...devices import device_errors, release_memory
from . import attention, tokenizer
from .generate import chat_prompt, eos_token_ids, run_generation
from .loading import LoadedModel, load_model
from .passes import LogitsRunner, run_attention

NAME = "hf"


def load(options: LoadOptions) -> HfBackend:
    return HfBackend(load_model(options.model, options.dtype, options.device, options.device_map,
                                options.max_tokens))


class HfBackend:
    def __init__(self, lm: LoadedModel):
        self.lm = lm
        self._info = _describe(lm)
        self._eos_ids = eos_token_ids(lm)

    def describe(self) -> ModelInfo:
        return self._info

    def tokenize(self, text: str) -> Tokenization:
        return tokenizer.tokenize(self.lm.tokenizer, text)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return tokenizer.count_tokens(self.lm.tokenizer, texts)

    def attention(self, forward: AttentionPass, emit: AttentionEmitter, cancel: threading.Event) -> None:
        sink = sink_for(forward, self._info.num_query_heads, self.lm.device, emit)
        with device_errors():
            run_attention(self.lm, forward.ids, forward.layers, sink, forward.suppression, forward.query_block, cancel)

    def logits(self, forward: LogitsPass, emitter: LogitsEmitter, cancel: threading.Event) -> None:
        with device_errors():
            LogitsRunner(self.lm, forward.ids, forward.nucleus, forward.full_positions, emitter, cancel).run(
                forward.variants, forward.full_recompute, forward.batch_size, forward.kernel)

    def chat_prompt(self, message: str) -> str:
        return chat_prompt(self.lm.tokenizer, message)

    def generate(self, forward: GeneratePass, emit: TokenEmitter, cancel: threading.Event) -> GenerateOutcome:
        with device_errors():
            return run_generation(self.lm, forward, emit, cancel, self._eos_ids)

    def release_memory(self) -> None:
        release_memory()


def _describe(lm: LoadedModel) -> ModelInfo:
    config, model = lm.model.config, lm.model
    num_query_heads = config.num_attention_heads
    return ModelInfo(
        model_id=lm.model_id,
        architecture=type(model).__name__,
        num_layers=config.num_hidden_layers,
        num_query_heads=num_query_heads,
        num_kv_heads=getattr(config, "num_key_value_heads", None) or num_query_heads,
        head_dim=getattr(config, "head_dim", None) or config.hidden_size // num_query_heads,
        d_model=config.hidden_size,
        d_mlp=config.intermediate_size,
        vocab_size=model.get_output_embeddings().weight.shape[0],
        bos_token_id=tokenizer.bos_token_id(lm.tokenizer),
        dtype=str(model.get_input_embeddings().weight.dtype).removeprefix("torch."),
        attention_implementation=attention.DESCRIPTION,
        devices=tuple(sorted({str(p.device) for p in model.parameters()})),
        max_tokens=lm.max_tokens,
        synthetic_weights=lm.synthetic,
        notes=lm.notes,
        # every feature of the seam, generation, the parity kernel, and chat templates where the tokenizer has one
        capabilities=(CAPABILITIES | {GENERATE, KERNEL_MONKEYPATCH}
                      | ({CHAT_TEMPLATE} if lm.tokenizer.chat_template else set())),
        backend=NAME,
        backend_version=f"transformers-{transformers.__version__}",
    )
