"""Generates the gRPC stubs of the wire contract (proto/) into src/: `thought_anchors.worker.v1`.

One generated copy for the client and the worker (which imports it from this distribution).
Run by `make proto` and by setup.py, so `pip install ./clients/python` from a checkout works
without make. The generated files are never committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROTO_ROOT = HERE.parents[1] / "proto"
CONTRACT = "thought_anchors/worker/v1/worker.proto"
OUT = HERE / "src"


def generate(proto_root: Path = PROTO_ROOT, out: Path = OUT) -> None:
    from grpc_tools import protoc  # a build-time dependency only

    status = protoc.main(["grpc_tools.protoc", f"-I{proto_root}", f"--python_out={out}",
                          f"--grpc_python_out={out}", f"--pyi_out={out}", str(proto_root / CONTRACT)])
    if status != 0:
        raise SystemExit(f"protoc failed ({status}) on {proto_root / CONTRACT}")


if __name__ == "__main__":
    generate()
    sys.exit(0)
