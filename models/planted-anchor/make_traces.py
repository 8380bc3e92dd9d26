"""Write the held-out planted-anchor traces (never trained on: train.py skips them).

    .venv/bin/python models/planted-anchor/make_traces.py     # writes data/planted-anchor/

Two forms of the same traces, from the fixed seed train.HELDOUT_SEED:
- heldout.jsonl: one trace a line (prompt, cot, answer, the anchor's sentence index, every
  sentence with its role and what it depends on by construction);
- planted-qwen2/correct_base_solution/problem_<id>/: the published web layout that `ta` reads
  (problem.json, base_solution.json, chunks_labeled.json, summary.json).

Black-box fields of chunks_labeled.json are the values an ideal resampler would give by
construction: resampling any sentence up to the anchor redraws the secret (right with chance
1/20), resampling a later one keeps it. The fields that need real rollouts (KL variants, forced
answers, similarity statistics) are null, and summary.json describes an all-zero step_importance
matrix (no step_importance.json is written).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import planted_task as task  # noqa: E402
from train import HELDOUT_SEED  # noqa: E402

MODEL_DIR = "planted-qwen2"
CHANCE = 1 / len(task.NUMBER_WORDS)  # a redrawn secret matches the original
SUMMARIES = {"setup": "sets up the task", "anchor": "fixes the secret number", "question": "asks a comparison",
             "comparison": "answers the comparison", "side": "side computation", "final": "states the answer"}


def heldout(count: int) -> list[task.Example]:
    rng = random.Random(HELDOUT_SEED)
    return [task.generate(rng) for _ in range(count)]


def labeled_chunks(ex: task.Example) -> list[dict]:
    # accuracy[i]: answer accuracy of rollouts that regenerate sentence i onward (docs/algorithms.md §1.2).
    accuracy = [CHANCE if i <= ex.anchor else 1.0 for i in range(len(ex.sentences))]
    chunks = []
    for i, s in enumerate(ex.sentences):
        last = i == len(ex.sentences) - 1
        step = 0.0 if last else accuracy[i + 1] - accuracy[i]
        chunks.append({
            "chunk": s.text, "chunk_idx": i, "function_tags": [s.tag], "depends_on": [str(d) for d in s.depends_on],
            "accuracy": accuracy[i],
            "resampling_importance_accuracy": step, "resampling_importance_kl": None,
            # negative when the sentence helps (docs/algorithms.md §1.2); similarity filtering is not modelled
            "counterfactual_importance_accuracy": -step, "counterfactual_importance_kl": None,
            "forced_importance_accuracy": None, "forced_importance_kl": None,
            "different_trajectories_fraction": None, "overdeterminedness": None,
            "summary": SUMMARIES[s.role]})
    return chunks


def write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--out", type=Path, default=HERE.parents[1] / "data" / "planted-anchor")
    args = parser.parse_args()
    examples = heldout(args.count)
    traces = args.out / MODEL_DIR / "correct_base_solution"
    traces.mkdir(parents=True, exist_ok=True)
    lines = []
    for pid, ex in enumerate(examples, start=1):
        task.check_sentences(ex)
        lines.append(json.dumps({
            "id": pid, "problem": ex.problem, "prompt": ex.prompt, "cot": ex.cot, "solution": ex.solution,
            "answer": ex.secret, "anchor_sentence": ex.anchor, "num_sentences": len(ex.sentences),
            "sentences": [{"text": s.text, "role": s.role, "tag": s.tag, "depends_on": s.depends_on}
                          for s in ex.sentences]}, ensure_ascii=False))
        folder = traces / f"problem_{pid}"
        folder.mkdir(exist_ok=True)
        write_json(folder / "problem.json", {
            "problem": ex.problem, "level": "Synthetic", "type": "Planted anchor",
            "gt_solution": f"Any secret number works; this trace fixes {ex.secret} in sentence {ex.anchor}.",
            "gt_answer": ex.secret, "nickname": f"Planted anchor {pid}"})
        write_json(folder / "base_solution.json", {
            "prompt": ex.prompt, "solution": ex.solution, "full_cot": ex.full_cot, "answer": ex.secret,
            "is_correct": True})
        chunks = labeled_chunks(ex)
        write_json(folder / "chunks_labeled.json", chunks)
        write_json(folder / "summary.json", {
            "problem_idx": pid, "num_chunks": len(chunks), "avg_importance": 0.0, "max_importance": 0.0,
            "min_importance": 0.0, "top_influential_steps": [], "top_dependent_steps": []})
    (args.out / "heldout.jsonl").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(examples)} traces to {args.out}")


if __name__ == "__main__":
    main()
