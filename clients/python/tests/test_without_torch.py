"""The client needs no torch: its metadata does not ask for it, and it works with torch made unimportable."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import sys
    for name in ("torch", "transformers", "thought_anchors_worker"):
        sys.modules[name] = None  # any import of them now raises ImportError
    import numpy as np
    import thought_anchors_client as ta

    with ta.connect(sys.argv[1]) as worker:
        info = worker.describe()
        ids = worker.tokenize("Solve 2+2. Then check it.").ids
        raw = worker.attention(ids, ta.RAW, layers=[0])
        pooled = worker.attention(ids, ta.POOLED, pool_ranges=[(1, 4), (4, len(ids))])
        result = worker.logits(ids, [ta.BASELINE, ta.Suppression([(4, 6)])], nucleus=ta.NucleusSpec(max_k=5),
                               full_positions=[-1])
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "transformers") and sys.modules[m])
    assert not loaded, loaded
    assert np.allclose(raw.sum(-1), 1, atol=1e-5) and pooled.shape[-2:] == (2, 2)
    print(info.model_id, raw.shape, len(result[1].nucleus), result[1].full_at(-1).shape)
""")


def test_metadata_does_not_require_torch():
    requires = [r.split(";")[0].strip().lower() for r in importlib.metadata.requires("thought-anchors-client")]
    names = {r.split(">")[0].split("=")[0].split("<")[0].strip() for r in requires}
    assert names == {"grpcio", "protobuf", "pyarrow", "numpy"}


def test_every_verb_works_with_torch_unimportable(workers):
    worker = workers["tiny-qwen2"]
    done = subprocess.run([sys.executable, "-c", SCRIPT, worker.address], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "tiny-qwen2"
