"""The backend seam: what the service needs from a model, in types that import no torch.

The gRPC service (``service.py``) and request validation (``validation.py``) see a model only
through :class:`Backend` and the types here. A backend (``backends/<name>/``) loads one causal
LM and runs its forward passes; results leave through the emitter protocols below as
float32/int32 NumPy arrays, layer by layer or chunk by chunk, while the pass runs.

Canonical terms, whatever the backend's own names are: layers are numbered 0..L-1 in forward
order; heads are *query* heads (after GQA expansion; query head h reads KV head
h // (num_query_heads / num_kv_heads)); token positions count BOS as 0; ranges are half-open
[start, end); character offsets are Python code points (the service converts the wire's UTF-16
units). Every backend uses the shared tensor math (``capture.py``: raw rows and pooled sentence
blocks; ``nucleus.py``: nucleus compression), so two backends cannot differ on it.

Generation (``generate``: a prompt continued token by token, greedy or seeded sampling, stop
strings and ids) is one more method of the same shape: a frozen pass type, an emitter the tokens
leave through as they are produced, the same ``cancel`` event, run under the same admission and
streaming plumbing. A backend that serves it declares ``GENERATE`` (and ``CHAT_TEMPLATE`` when its
model has one) besides the forward-pass features.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Sequence

import numpy as np

if TYPE_CHECKING:  # annotations only: this module must import without torch
    import torch


# ---------------------------------------------------------------- errors


class ModelLoadError(Exception):
    """The model, tokenizer or backend named on the command line cannot be loaded or is unsupported."""


class InvalidRequest(ValueError):
    """A request the worker cannot serve as asked; maps to INVALID_ARGUMENT with this message."""


class Cancelled(Exception):
    """The call that owns a pass was cancelled (client cancel, deadline); the pass is abandoned."""


class DeviceOutOfMemory(Exception):
    """The device ran out of memory during a pass; maps to RESOURCE_EXHAUSTED. The message is one line."""


# ---------------------------------------------------------------- loading and describing


@dataclass(frozen=True)
class LoadOptions:
    """What ``serve`` was asked to load (a backend may refuse options it cannot honour)."""

    model: str                   # an HF id, a local directory, a synthetic name or spec file
    dtype: str = "auto"          # auto, float32, bfloat16, float16
    device: str = "cpu"          # cpu, cuda, cuda:1, ...
    device_map: str | None = None
    max_tokens: int | None = None


@dataclass(frozen=True)
class ModelInfo:
    """The loaded model in canonical terms (the wire's DescribeResponse, less what the service adds)."""

    model_id: str
    architecture: str            # e.g. "Qwen2ForCausalLM"
    num_layers: int
    num_query_heads: int
    num_kv_heads: int
    head_dim: int
    d_model: int                 # residual width (TransformerLens' name; not on the wire, for FLOP counts)
    d_mlp: int                   # MLP hidden width (likewise)
    vocab_size: int              # rows of the LM head
    bos_token_id: int            # -1 if the tokenizer adds none
    dtype: str                   # weights, e.g. "bfloat16"; softmax and reductions are float32
    attention_implementation: str
    devices: tuple[str, ...]
    max_tokens: int
    synthetic_weights: bool
    notes: str
    capabilities: frozenset[str]  # features this backend serves, e.g. "suppression.per_head"
    backend: str                 # the registry name, e.g. "hf"
    backend_version: str         # the library the backend is built on, e.g. "transformers-5.17.0"

    @property
    def kv_head_of_query_head(self) -> list[int]:
        group = self.num_query_heads // self.num_kv_heads
        return [h // group for h in range(self.num_query_heads)]


# Features a backend may declare in ModelInfo.capabilities (worker.proto documents them). Every
# backend serves tokenize.* (tokenize gives offsets; count_tokens serves the prefix counts). Validation refuses an
# Attention or Logits request that needs a feature the backend lacks; logits.prefix_reuse and
# logits.batched_variants only change speed (without them a backend recomputes and ships every
# position from 0, one variant per forward). logits.kernel_monkeypatch is not among them: a backend
# declares it only if it implements the reference's kernels (Kernel.MONKEYPATCH).
CAPABILITIES = frozenset({
    "tokenize.offsets", "tokenize.prefix_counts", "attention.raw", "attention.pooled",
    "suppression.all_heads", "suppression.per_head", "logits.nucleus", "logits.full",
    "logits.prefix_reuse", "logits.batched_variants",
})
KERNEL_MONKEYPATCH = "logits.kernel_monkeypatch"


# The Generate verb, declared apart from the forward-pass features above so that a backend listing those (or all
# but some of them) does not claim generation by accident: GENERATE serves ``generate``, CHAT_TEMPLATE says
# ``chat_prompt`` has a template to apply (the tiny synthetic models have none).
GENERATE = "generate"
CHAT_TEMPLATE = "generate.chat_template"


@dataclass(frozen=True)
class Tokenization:
    ids: list[int]                   # BOS included when the tokenizer adds one
    char_starts: list[int]           # code points into the text; BOS is (0, 0)
    char_ends: list[int]
    tokens: list[str]                # the tokenizer's token strings, for display


# ---------------------------------------------------------------- passes


@dataclass(frozen=True)
class Suppression:
    """Key columns [start, end) masked before the softmax for every query row (docs/algorithms.md §11).

    heads_by_layer None: every head of every layer; else layer -> its query heads (None = all
    heads of that layer), layers not named untouched.
    """

    ranges: list[tuple[int, int]]
    heads_by_layer: dict[int, list[int] | None] | None = None

    def heads_at(self, layer: int) -> list[int] | None | bool:
        """False if this layer is untouched, None for all heads, else the head list."""
        if not self.ranges:
            return False
        if self.heads_by_layer is None:
            return None
        return self.heads_by_layer.get(layer, False)

    @property
    def is_baseline(self) -> bool:
        return not any(end > start for start, end in self.ranges)

    def first_affected(self, num_tokens: int) -> int:
        """Nothing before the earliest suppressed key can change (what prefix reuse relies on)."""
        starts = [start for start, end in self.ranges if end > start]
        return min(starts + [num_tokens]) if starts else 0


class CaptureMode(enum.Enum):
    RAW = "raw"        # token-level probability rows, N columns
    POOLED = "pooled"  # block means over pool_ranges (docs/algorithms.md §4.1)


@dataclass(frozen=True)
class AttentionPass:
    ids: list[int]
    layers: list[int]                  # ascending; the pass may stop after the last
    heads: list[int]                   # query heads, in the order results are shipped
    mode: CaptureMode
    pool_ranges: list[tuple[int, int]]  # POOLED: sorted, disjoint; empty for RAW
    suppression: Suppression | None
    query_block: int                   # query rows per float32 softmax block (a memory bound)


@dataclass(frozen=True)
class Nucleus:
    top_p: float
    max_k: int
    temperature: float
    round_to_float16: bool


class Kernel(enum.Enum):
    """Which attention kernel computes a logits pass (worker.proto LogitsRequest.Kernel, docs/algorithms.md §11.4).

    MASK: one mask-based kernel for every variant, so positions before a suppression are exactly
    the baseline's. MONKEYPATCH: the reference code's asymmetry, for parity with published
    matrices: the baseline through the architecture's stock eager kernel, each suppressed variant a
    full forward with the reference's replacement kernel in the layers it suppresses.
    """

    MASK = "mask"
    MONKEYPATCH = "monkeypatch"


@dataclass(frozen=True)
class LogitsPass:
    ids: list[int]
    variants: list[Suppression]        # an empty Suppression is the baseline
    nucleus: Nucleus | None
    full_positions: list[int]          # non-negative, for full-vocabulary logits
    full_recompute: bool               # ship every position of every variant (no prefix reuse)
    batch_size: int                    # variants per forward (a hint)
    kernel: Kernel = Kernel.MASK


@dataclass
class CompressedPositions:
    """Nucleus of consecutive positions in CSR form (descending probability within a row)."""

    first_position: int
    counts: np.ndarray      # int32 [P]
    token_ids: np.ndarray   # int32 [sum counts]
    logits: np.ndarray      # float32 [sum counts], raw (untempered)
    retained: np.ndarray    # float32 [P], tempered probability mass kept


class StopReason(enum.Enum):
    EOS = "eos"                        # one of the model's end-of-sequence tokens
    STOP_TOKEN = "stop_token"          # one of the request's stop_token_ids
    STOP_STRING = "stop_string"        # the completion text contains one of the request's stop strings
    MAX_NEW_TOKENS = "max_new_tokens"  # max_new_tokens reached


@dataclass(frozen=True)
class GeneratePass:
    """A continuation of ``ids`` (the prompt as the model sees it), one token per step.

    temperature 0 is greedy (argmax, lowest id among equal maxima); else softmax(z / temperature)
    truncated to the smallest most-probable set of mass >= top_p (1 = no truncation), renormalised
    and sampled with a generator seeded by ``seed`` alone.
    """

    ids: list[int]
    max_new_tokens: int                # prompt + max_new_tokens fits the model's max_tokens
    temperature: float
    top_p: float                       # in (0, 1]
    seed: int
    stop_strings: tuple[str, ...]      # non-empty strings, matched in the completion text
    stop_token_ids: frozenset[int]     # besides the model's own end-of-sequence tokens


@dataclass(frozen=True)
class GenerateOutcome:
    stop_reason: StopReason
    stop_string: str | None = None     # STOP_STRING: the one found


# ---------------------------------------------------------------- where results go


class AttentionEmitter(Protocol):
    def __call__(self, layer: int, first_row: int, matrices: np.ndarray) -> None:
        """(len(heads), rows, cols) float32 for matrix rows first_row.. of one layer. Layers arrive in
        ascending order, each layer's rows in order; POOLED ships each layer whole (first_row 0)."""


class LogitsEmitter(Protocol):
    """Within a variant, nucleus positions arrive in ascending order, each once, from the variant's
    first position; one variant's results are all emitted before the next variant's."""

    def nucleus(self, variant: int, part: CompressedPositions) -> None: ...

    def full(self, variant: int, first_position: int, positions: list[int], logits: np.ndarray) -> None:
        """(len(positions), V) float32; first_position is the variant's first shipped nucleus position."""


class TokenEmitter(Protocol):
    def __call__(self, ids: list[int], pieces: list[str]) -> None:
        """New tokens in generation order and the text each completes (the worker.proto rules: a token inside a
        UTF-8 character has "" and the one completing it carries it; an end-of-sequence or stop token has "").
        Concatenated, the pieces of every call are the text the new tokens add after the prompt."""


class CaptureSink(Protocol):
    """Where a backend's kernel hands float32 probabilities of a captured layer (``capture.py``
    implements it for RAW and POOLED): in query blocks, so memory stays O(block x N)."""

    def block(self, layer: int, query_start: int, probs: torch.Tensor) -> None:
        """probs: (num_query_heads, q_block, keys_visible) for absolute query rows from query_start;
        keys_visible >= query_start + q_block (the causally visible keys, at least)."""

    def layer_done(self, layer: int) -> None: ...


# ---------------------------------------------------------------- the protocol


class Backend(Protocol):
    """One loaded causal LM. Calls come one at a time (the service admits one pass at a time)."""

    def describe(self) -> ModelInfo: ...

    def tokenize(self, text: str) -> Tokenization: ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """How many tokens each text has as the model sees it (special tokens such as BOS included)."""

    def attention(self, forward: AttentionPass, emit: AttentionEmitter, cancel: threading.Event) -> None:
        """Post-softmax attention of the requested layers and heads, suppressed as asked, through a
        ``capture.sink_for`` sink. Raises Cancelled once ``cancel`` is set (checked per layer or block),
        DeviceOutOfMemory when the device runs out."""

    def logits(self, forward: LogitsPass, emitter: LogitsEmitter, cancel: threading.Event) -> None:
        """Logits per variant: nucleus rows (``nucleus.compress``) from the variant's first affected
        position (0 with full_recompute) to N - 1, full logits at full_positions. Same errors."""

    def chat_prompt(self, message: str) -> str:
        """The model's chat template applied to one user message, with the generation prompt, as text whose
        ``tokenize`` gives the template's tokens (a BOS the template writes is left to ``tokenize``). Only for a
        backend declaring CHAT_TEMPLATE."""

    def generate(self, forward: GeneratePass, emit: TokenEmitter, cancel: threading.Event) -> GenerateOutcome:
        """Generates until an end-of-sequence or stop token, a stop string or max_new_tokens, emitting tokens as
        they are produced. Raises Cancelled once ``cancel`` is set (checked every step and during the prompt's
        forward), DeviceOutOfMemory when the device runs out. Only for a backend declaring GENERATE."""

    def release_memory(self) -> None:
        """Return cached device memory after a pass (a no-op where nothing is cached)."""
