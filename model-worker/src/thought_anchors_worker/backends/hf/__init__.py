"""The hf backend: transformers' causal LMs (Qwen2, Llama and any other architecture that
dispatches attention through ``AttentionInterface``), with suppression and capture in a
registered attention function (``attention.py``), prefix reuse through ``DynamicCache`` and the
LM head applied in chunks (``passes.py``). Loading and refusals: ``loading.py``; tokenizers:
``tokenizer.py``. transformers' module paths and types appear only inside this package.
"""

from .backend import HfBackend, load

__all__ = ["HfBackend", "load"]
