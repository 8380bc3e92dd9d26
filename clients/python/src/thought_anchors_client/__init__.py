"""Typed Python client of the Thought Anchors model worker: gRPC in, NumPy out, no torch needed.

    import thought_anchors_client as ta

    with ta.connect("localhost:50051") as worker:
        info = worker.describe()
        tokens = worker.tokenize("Solve 2+2. <think>\\n4</think>")
        raw = worker.attention(tokens.ids, ta.RAW, layers=[1])          # float32 [1, heads, N, N]

The wire contract is proto/thought_anchors/worker/v1/worker.proto; its generated stubs ship in this
distribution as `thought_anchors.worker.v1`.
"""

from .client import Client, ModelInput, connect
from .errors import (CallCancelledError, ContractViolation, DeadlineExceededError, InvalidArgumentError,
                     ResourceExhaustedError, UnavailableError, WorkerError)
from .text_units import to_codepoint, to_utf16
from .types import (BASELINE, LogitsResult, Mode, ModelInfo, Nucleus, NucleusSpec, Suppression, Tokenization,
                    VariantLogits)

RAW = Mode.RAW
POOLED = Mode.POOLED

__version__ = "0.1.0"

__all__ = [
    "BASELINE", "POOLED", "RAW", "CallCancelledError", "Client", "ContractViolation", "DeadlineExceededError",
    "InvalidArgumentError", "LogitsResult", "Mode", "ModelInfo", "ModelInput", "Nucleus", "NucleusSpec",
    "ResourceExhaustedError", "Suppression", "Tokenization", "UnavailableError", "VariantLogits", "WorkerError",
    "connect", "to_codepoint", "to_utf16",
]
