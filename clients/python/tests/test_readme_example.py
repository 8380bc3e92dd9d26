"""The README's "Scripting the worker from Python" example runs as written against a real worker."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO


def test_the_readme_example_runs_as_written(workers):
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Scripting the worker from Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    assert 'ta.connect("localhost:50051")' in code
    code = code.replace("localhost:50051", workers["tiny-qwen2"].address)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first.startswith("tiny-qwen2 (1, 4, ") and second.startswith("INVALID_ARGUMENT POOLED needs pool_ranges")
