"""What the client sends and returns: frozen dataclasses and NumPy arrays, no protobuf types.

Conventions (as in the wire contract, proto/thought_anchors/worker/v1/worker.proto):
token positions count the BOS token as position 0; ranges are half-open [start, end); heads are
*query* heads (after GQA expansion); tensors are float32 / int32.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from thought_anchors.worker.v1 import worker_pb2 as pb


@dataclass(frozen=True)
class ModelInfo:
    """What a worker serves (the Describe verb)."""

    model_id: str                       # as given to the worker's --model
    architecture: str                   # e.g. "Qwen2ForCausalLM"
    num_layers: int
    num_query_heads: int
    num_kv_heads: int
    kv_head_of_query_head: tuple[int, ...]  # length num_query_heads (GQA grouping)
    head_dim: int
    vocab_size: int
    bos_token_id: int                   # -1 if the tokenizer adds none
    dtype: str                          # of the weights; softmax and reductions run in float32
    attention_implementation: str
    devices: tuple[str, ...]
    max_tokens: int                     # longest input accepted, BOS included
    worker_version: str
    contract_version: int
    capabilities: frozenset[str]        # e.g. "attention.pooled", "logits.nucleus", "suppression.per_head"
    synthetic_weights: bool             # True: seeded random weights, checks the pipeline, not the science
    notes: str
    max_chunk_bytes: int                # the worker never sends a streamed message larger than this


@dataclass(frozen=True)
class Tokenization:
    """Token ids as the model sees them, BOS included, with character spans in both offset units.

    `utf16_starts[i]:utf16_ends[i]` is token i's span in UTF-16 code units (the wire's unit, as Java
    strings count); `codepoint_starts/ends` are the same spans as Python `str` indices, so
    `text[t.codepoint_starts[i]:t.codepoint_ends[i]]` is token i's text. BOS spans (0, 0).
    """

    ids: np.ndarray                     # int32 [N]
    tokens: tuple[str, ...]             # the tokenizer's token strings, for display
    utf16_starts: np.ndarray            # int32 [N]
    utf16_ends: np.ndarray              # int32 [N]
    codepoint_starts: np.ndarray        # int64 [N]
    codepoint_ends: np.ndarray          # int64 [N]
    prefix_token_counts: np.ndarray     # int32 [len(prefix offsets)]: tokens of text[:offset], BOS counted; 0 at 0

    def __len__(self) -> int:
        return len(self.ids)


class Mode(enum.Enum):
    """What `Client.attention` returns per head."""

    RAW = pb.AttentionRequest.RAW        # token-level probabilities, [N x N]
    POOLED = pb.AttentionRequest.POOLED  # block means over pool_ranges, [n x n]


@dataclass(frozen=True)
class Suppression:
    """Attention to key columns [start, end) masked before the softmax, for every query row.

    `layer_heads`: where to suppress: None = every head of every layer; otherwise layer -> query heads,
    an empty head list meaning every head of that layer. No range may start at 0 (BOS). A suppression
    without a non-empty range is the baseline (no change).
    """

    ranges: Sequence[tuple[int, int]] = ()
    layer_heads: Mapping[int, Sequence[int]] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "ranges", tuple((int(s), int(e)) for s, e in self.ranges))
        if self.layer_heads is not None:
            object.__setattr__(self, "layer_heads",
                               {int(layer): tuple(int(h) for h in heads) for layer, heads in self.layer_heads.items()})

    def __hash__(self) -> int:
        return hash((self.ranges, None if self.layer_heads is None else tuple(sorted(self.layer_heads.items()))))

    @property
    def is_baseline(self) -> bool:
        return not any(end > start for start, end in self.ranges)

    @property
    def first_affected(self) -> int:
        """The earliest suppressed token: positions before it cannot change (0 for the baseline)."""
        starts = [start for start, end in self.ranges if end > start]
        return min(starts) if starts else 0

    def to_proto(self) -> pb.Suppression:
        message = pb.Suppression(ranges=[pb.TokenRange(start=s, end=e) for s, e in self.ranges])
        for layer, heads in (self.layer_heads or {}).items():
            message.layer_heads.add(layer=layer, heads=heads)
        return message


BASELINE = Suppression()


@dataclass(frozen=True)
class NucleusSpec:
    """Nucleus compression of each position's logits z, on the worker.

    pi = softmax(z / temperature); keep the smallest k with cumulative pi >= top_p, capped at max_k (at
    least 1); kept ids in descending pi with their raw (untempered) logits. Defaults: the reference's
    suppression-matrix settings.
    """

    top_p: float = 0.9999
    max_k: int = 100
    temperature: float = 0.6
    round_logits_to_float16: bool = False  # the reference stores kept logits as float16

    def to_proto(self) -> pb.NucleusSpec:
        return pb.NucleusSpec(top_p=self.top_p, max_k=self.max_k, temperature=self.temperature,
                              round_logits_to_float16=self.round_logits_to_float16)


@dataclass(frozen=True, eq=False)
class Nucleus:
    """Nucleus-compressed logits of positions 0..N-1 in CSR form.

    Position p keeps `token_ids[offsets[p]:offsets[p + 1]]` (descending probability) with their raw logits
    `logits[...]`; `retained_mass[p]` is the tempered probability they keep.
    """

    offsets: np.ndarray        # int64 [N + 1], offsets[0] = 0
    token_ids: np.ndarray      # int32 [offsets[N]]
    logits: np.ndarray         # float32 [offsets[N]]
    retained_mass: np.ndarray  # float32 [N]

    def __len__(self) -> int:
        return len(self.retained_mass)

    def ids_at(self, position: int) -> np.ndarray:
        return self.token_ids[self.offsets[position]: self.offsets[position + 1]]

    def logits_at(self, position: int) -> np.ndarray:
        return self.logits[self.offsets[position]: self.offsets[position + 1]]


@dataclass(frozen=True, eq=False)
class VariantLogits:
    """The logits of one suppression variant of a Logits call.

    `first_position`: the first position the worker computed for this variant; with prefix reuse the
    earlier ones cannot change and are the baseline's (the nucleus holds them, copied from the baseline).
    `full_logits`: absolute position -> float32 [V] raw logits, for every requested position.
    """

    variant: int
    suppression: Suppression
    num_tokens: int
    first_position: int
    nucleus: Nucleus | None
    full_logits: Mapping[int, np.ndarray] = field(default_factory=dict)

    def full_at(self, position: int) -> np.ndarray:
        """Full logits at `position`; negative counts from the end (-1 = last), as in the request."""
        return self.full_logits[position + self.num_tokens if position < 0 else position]


@dataclass(frozen=True, eq=False)
class LogitsResult:
    """A Logits call's answer: one `VariantLogits` per requested variant, in request order."""

    num_tokens: int  # N of the input, BOS included
    variants: tuple[VariantLogits, ...]

    def __len__(self) -> int:
        return len(self.variants)

    def __getitem__(self, index: int) -> VariantLogits:
        return self.variants[index]

    def __iter__(self) -> Iterator[VariantLogits]:
        return iter(self.variants)
