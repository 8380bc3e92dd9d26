"""Builds the stubs from the checkout's proto/ before setuptools looks for packages (see build_stubs.py)."""

import sys
from pathlib import Path

from setuptools import setup

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_stubs  # noqa: E402

if (build_stubs.PROTO_ROOT / build_stubs.CONTRACT).is_file():
    build_stubs.generate()
elif not (build_stubs.OUT / "thought_anchors").is_dir():
    raise SystemExit(f"{build_stubs.PROTO_ROOT / build_stubs.CONTRACT} is missing and no stubs were generated: "
                     "build from a checkout of the repository")

setup()
