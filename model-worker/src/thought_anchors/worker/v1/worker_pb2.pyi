from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ContractVersion(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTRACT_VERSION_UNSPECIFIED: _ClassVar[ContractVersion]
    CONTRACT_VERSION_1: _ClassVar[ContractVersion]
CONTRACT_VERSION_UNSPECIFIED: ContractVersion
CONTRACT_VERSION_1: ContractVersion

class DescribeRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DescribeResponse(_message.Message):
    __slots__ = ("model_id", "architecture", "num_layers", "num_query_heads", "num_kv_heads", "kv_head_of_query_head", "head_dim", "vocab_size", "bos_token_id", "dtype", "attention_implementation", "devices", "max_tokens", "worker_version", "contract_version", "capabilities", "synthetic_weights", "notes", "max_chunk_bytes")
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    ARCHITECTURE_FIELD_NUMBER: _ClassVar[int]
    NUM_LAYERS_FIELD_NUMBER: _ClassVar[int]
    NUM_QUERY_HEADS_FIELD_NUMBER: _ClassVar[int]
    NUM_KV_HEADS_FIELD_NUMBER: _ClassVar[int]
    KV_HEAD_OF_QUERY_HEAD_FIELD_NUMBER: _ClassVar[int]
    HEAD_DIM_FIELD_NUMBER: _ClassVar[int]
    VOCAB_SIZE_FIELD_NUMBER: _ClassVar[int]
    BOS_TOKEN_ID_FIELD_NUMBER: _ClassVar[int]
    DTYPE_FIELD_NUMBER: _ClassVar[int]
    ATTENTION_IMPLEMENTATION_FIELD_NUMBER: _ClassVar[int]
    DEVICES_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    WORKER_VERSION_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_VERSION_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    SYNTHETIC_WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    MAX_CHUNK_BYTES_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    architecture: str
    num_layers: int
    num_query_heads: int
    num_kv_heads: int
    kv_head_of_query_head: _containers.RepeatedScalarFieldContainer[int]
    head_dim: int
    vocab_size: int
    bos_token_id: int
    dtype: str
    attention_implementation: str
    devices: _containers.RepeatedScalarFieldContainer[str]
    max_tokens: int
    worker_version: str
    contract_version: int
    capabilities: _containers.RepeatedScalarFieldContainer[str]
    synthetic_weights: bool
    notes: str
    max_chunk_bytes: int
    def __init__(self, model_id: _Optional[str] = ..., architecture: _Optional[str] = ..., num_layers: _Optional[int] = ..., num_query_heads: _Optional[int] = ..., num_kv_heads: _Optional[int] = ..., kv_head_of_query_head: _Optional[_Iterable[int]] = ..., head_dim: _Optional[int] = ..., vocab_size: _Optional[int] = ..., bos_token_id: _Optional[int] = ..., dtype: _Optional[str] = ..., attention_implementation: _Optional[str] = ..., devices: _Optional[_Iterable[str]] = ..., max_tokens: _Optional[int] = ..., worker_version: _Optional[str] = ..., contract_version: _Optional[int] = ..., capabilities: _Optional[_Iterable[str]] = ..., synthetic_weights: _Optional[bool] = ..., notes: _Optional[str] = ..., max_chunk_bytes: _Optional[int] = ...) -> None: ...

class ModelInput(_message.Message):
    __slots__ = ("text", "token_ids")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TOKEN_IDS_FIELD_NUMBER: _ClassVar[int]
    text: str
    token_ids: TokenIds
    def __init__(self, text: _Optional[str] = ..., token_ids: _Optional[_Union[TokenIds, _Mapping]] = ...) -> None: ...

class TokenIds(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, ids: _Optional[_Iterable[int]] = ...) -> None: ...

class TokenRange(_message.Message):
    __slots__ = ("start", "end")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    start: int
    end: int
    def __init__(self, start: _Optional[int] = ..., end: _Optional[int] = ...) -> None: ...

class TokenizeRequest(_message.Message):
    __slots__ = ("text", "prefix_char_offsets")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    PREFIX_CHAR_OFFSETS_FIELD_NUMBER: _ClassVar[int]
    text: str
    prefix_char_offsets: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, text: _Optional[str] = ..., prefix_char_offsets: _Optional[_Iterable[int]] = ...) -> None: ...

class TokenizeResponse(_message.Message):
    __slots__ = ("ids", "char_starts", "char_ends", "prefix_token_counts", "tokens")
    IDS_FIELD_NUMBER: _ClassVar[int]
    CHAR_STARTS_FIELD_NUMBER: _ClassVar[int]
    CHAR_ENDS_FIELD_NUMBER: _ClassVar[int]
    PREFIX_TOKEN_COUNTS_FIELD_NUMBER: _ClassVar[int]
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[int]
    char_starts: _containers.RepeatedScalarFieldContainer[int]
    char_ends: _containers.RepeatedScalarFieldContainer[int]
    prefix_token_counts: _containers.RepeatedScalarFieldContainer[int]
    tokens: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ids: _Optional[_Iterable[int]] = ..., char_starts: _Optional[_Iterable[int]] = ..., char_ends: _Optional[_Iterable[int]] = ..., prefix_token_counts: _Optional[_Iterable[int]] = ..., tokens: _Optional[_Iterable[str]] = ...) -> None: ...

class Suppression(_message.Message):
    __slots__ = ("ranges", "layer_heads")
    RANGES_FIELD_NUMBER: _ClassVar[int]
    LAYER_HEADS_FIELD_NUMBER: _ClassVar[int]
    ranges: _containers.RepeatedCompositeFieldContainer[TokenRange]
    layer_heads: _containers.RepeatedCompositeFieldContainer[LayerHeads]
    def __init__(self, ranges: _Optional[_Iterable[_Union[TokenRange, _Mapping]]] = ..., layer_heads: _Optional[_Iterable[_Union[LayerHeads, _Mapping]]] = ...) -> None: ...

class LayerHeads(_message.Message):
    __slots__ = ("layer", "heads")
    LAYER_FIELD_NUMBER: _ClassVar[int]
    HEADS_FIELD_NUMBER: _ClassVar[int]
    layer: int
    heads: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, layer: _Optional[int] = ..., heads: _Optional[_Iterable[int]] = ...) -> None: ...

class AttentionRequest(_message.Message):
    __slots__ = ("input", "mode", "layers", "heads", "pool_ranges", "suppression", "query_block", "max_chunk_bytes")
    class Mode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        MODE_UNSPECIFIED: _ClassVar[AttentionRequest.Mode]
        RAW: _ClassVar[AttentionRequest.Mode]
        POOLED: _ClassVar[AttentionRequest.Mode]
    MODE_UNSPECIFIED: AttentionRequest.Mode
    RAW: AttentionRequest.Mode
    POOLED: AttentionRequest.Mode
    INPUT_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    LAYERS_FIELD_NUMBER: _ClassVar[int]
    HEADS_FIELD_NUMBER: _ClassVar[int]
    POOL_RANGES_FIELD_NUMBER: _ClassVar[int]
    SUPPRESSION_FIELD_NUMBER: _ClassVar[int]
    QUERY_BLOCK_FIELD_NUMBER: _ClassVar[int]
    MAX_CHUNK_BYTES_FIELD_NUMBER: _ClassVar[int]
    input: ModelInput
    mode: AttentionRequest.Mode
    layers: _containers.RepeatedScalarFieldContainer[int]
    heads: _containers.RepeatedScalarFieldContainer[int]
    pool_ranges: _containers.RepeatedCompositeFieldContainer[TokenRange]
    suppression: Suppression
    query_block: int
    max_chunk_bytes: int
    def __init__(self, input: _Optional[_Union[ModelInput, _Mapping]] = ..., mode: _Optional[_Union[AttentionRequest.Mode, str]] = ..., layers: _Optional[_Iterable[int]] = ..., heads: _Optional[_Iterable[int]] = ..., pool_ranges: _Optional[_Iterable[_Union[TokenRange, _Mapping]]] = ..., suppression: _Optional[_Union[Suppression, _Mapping]] = ..., query_block: _Optional[int] = ..., max_chunk_bytes: _Optional[int] = ...) -> None: ...

class NucleusSpec(_message.Message):
    __slots__ = ("top_p", "max_k", "temperature", "round_logits_to_float16")
    TOP_P_FIELD_NUMBER: _ClassVar[int]
    MAX_K_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    ROUND_LOGITS_TO_FLOAT16_FIELD_NUMBER: _ClassVar[int]
    top_p: float
    max_k: int
    temperature: float
    round_logits_to_float16: bool
    def __init__(self, top_p: _Optional[float] = ..., max_k: _Optional[int] = ..., temperature: _Optional[float] = ..., round_logits_to_float16: _Optional[bool] = ...) -> None: ...

class LogitsRequest(_message.Message):
    __slots__ = ("input", "variants", "nucleus", "full_logit_positions", "full_recompute", "batch_size", "max_chunk_bytes")
    INPUT_FIELD_NUMBER: _ClassVar[int]
    VARIANTS_FIELD_NUMBER: _ClassVar[int]
    NUCLEUS_FIELD_NUMBER: _ClassVar[int]
    FULL_LOGIT_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    FULL_RECOMPUTE_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    MAX_CHUNK_BYTES_FIELD_NUMBER: _ClassVar[int]
    input: ModelInput
    variants: _containers.RepeatedCompositeFieldContainer[Suppression]
    nucleus: NucleusSpec
    full_logit_positions: _containers.RepeatedScalarFieldContainer[int]
    full_recompute: bool
    batch_size: int
    max_chunk_bytes: int
    def __init__(self, input: _Optional[_Union[ModelInput, _Mapping]] = ..., variants: _Optional[_Iterable[_Union[Suppression, _Mapping]]] = ..., nucleus: _Optional[_Union[NucleusSpec, _Mapping]] = ..., full_logit_positions: _Optional[_Iterable[int]] = ..., full_recompute: _Optional[bool] = ..., batch_size: _Optional[int] = ..., max_chunk_bytes: _Optional[int] = ...) -> None: ...

class TensorChunk(_message.Message):
    __slots__ = ("kind", "arrow_ipc", "num_tokens", "rows", "cols", "layer", "layers_total", "variant", "variants_total", "first_position")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[TensorChunk.Kind]
        ATTENTION_RAW: _ClassVar[TensorChunk.Kind]
        ATTENTION_POOLED: _ClassVar[TensorChunk.Kind]
        NUCLEUS: _ClassVar[TensorChunk.Kind]
        FULL_LOGITS: _ClassVar[TensorChunk.Kind]
    KIND_UNSPECIFIED: TensorChunk.Kind
    ATTENTION_RAW: TensorChunk.Kind
    ATTENTION_POOLED: TensorChunk.Kind
    NUCLEUS: TensorChunk.Kind
    FULL_LOGITS: TensorChunk.Kind
    KIND_FIELD_NUMBER: _ClassVar[int]
    ARROW_IPC_FIELD_NUMBER: _ClassVar[int]
    NUM_TOKENS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    COLS_FIELD_NUMBER: _ClassVar[int]
    LAYER_FIELD_NUMBER: _ClassVar[int]
    LAYERS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    VARIANT_FIELD_NUMBER: _ClassVar[int]
    VARIANTS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    FIRST_POSITION_FIELD_NUMBER: _ClassVar[int]
    kind: TensorChunk.Kind
    arrow_ipc: bytes
    num_tokens: int
    rows: int
    cols: int
    layer: int
    layers_total: int
    variant: int
    variants_total: int
    first_position: int
    def __init__(self, kind: _Optional[_Union[TensorChunk.Kind, str]] = ..., arrow_ipc: _Optional[bytes] = ..., num_tokens: _Optional[int] = ..., rows: _Optional[int] = ..., cols: _Optional[int] = ..., layer: _Optional[int] = ..., layers_total: _Optional[int] = ..., variant: _Optional[int] = ..., variants_total: _Optional[int] = ..., first_position: _Optional[int] = ...) -> None: ...
