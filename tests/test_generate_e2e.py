"""`ta generate` against a real tiny worker: the file it writes is a valid ta-trace/1 trace whose text is what the
worker generated (checked against the worker's own Generate stream through the Python client), seeded runs repeat,
a generation cut at --max-new-tokens without </think> is kept and flagged, bad requests exit with one line.

Tiny random models write gibberish; what is checked is the file, not the prose.
"""

from __future__ import annotations

import hashlib
import json

import thought_anchors_client as ta

from conftest import run_ta

PROBLEM = "What is 2+2?"
PROMPT = ("Solve this math problem step by step. You MUST put your final answer in \\boxed{}. Problem: "
          f"{PROBLEM} Solution: \n<think>\n")
TRACE_FIELDS = {"format", "id", "problem", "prompt", "cot", "after_cot", "answer", "model", "sampling", "generation"}


def validate_trace(trace: dict) -> None:
    """The ta-trace/1 rules a generated trace must meet (notes on the format: docs and trace-format)."""
    assert trace["format"] == "ta-trace/1" and set(trace) <= TRACE_FIELDS, sorted(trace)
    for field in ("id", "problem", "prompt", "cot", "after_cot"):
        assert isinstance(trace[field], str), field
    assert trace["cot"].strip() and "<think>" not in trace["cot"] and "</think>" not in trace["cot"]
    assert trace["after_cot"] == "" or trace["after_cot"].startswith("</think>")
    g = trace["generation"]
    assert set(g) == {"finished", "stop_reason", "new_tokens", "closed_think"}
    assert isinstance(g["finished"], bool) and isinstance(g["closed_think"], bool) and g["new_tokens"] >= 1
    assert g["stop_reason"] in {"eos", "stop_token", "stop_string", "max_new_tokens", "cancelled"}
    assert g["closed_think"] == trace["after_cot"].startswith("</think>")
    assert g["finished"] == (g["stop_reason"] not in {"max_new_tokens", "cancelled"})
    assert set(trace["sampling"]) == {"temperature", "top_p", "seed", "max_new_tokens", "stop", "chat_template"}
    assert {"id", "backend", "synthetic_weights"} <= set(trace["model"])


def test_generate_writes_the_workers_generation_as_a_trace(worker, tmp_path):
    out = tmp_path / "traces"
    args = ["generate", "--problem", PROBLEM, "--worker", worker.address, "--out", str(out), "--max-new-tokens",
            "24", "--temperature", "0.8", "--top-p", "0.9", "--seed", "7"]
    run = run_ta(*args)
    assert run.returncode == 0, run.stderr
    trace_id = f"problem-{hashlib.sha256(PROBLEM.encode()).hexdigest()[:8]}-seed7"
    files = list(out.iterdir())
    assert [f.name for f in files] == [f"{trace_id}.json"], files  # no temporary file left behind
    trace = json.loads(files[0].read_text(encoding="utf-8"))
    validate_trace(trace)
    assert trace["id"] == trace_id and trace["problem"] == PROBLEM
    assert trace["model"]["id"] == "tiny-qwen2" and trace["model"]["synthetic_weights"] is True
    assert trace["sampling"] == {"temperature": 0.8, "top_p": 0.9, "seed": 7, "max_new_tokens": 24, "stop": [],
                                 "chat_template": False}
    with ta.connect(worker.address) as client:
        generation = client.generate(PROMPT, max_new_tokens=24, temperature=0.8, top_p=0.9, seed=7)
        list(generation)
        expected = generation.result
    assert trace["prompt"] + trace["cot"] + trace["after_cot"] == expected.prompt_text + expected.text
    assert trace["generation"]["new_tokens"] == len(expected.ids) == 24
    if "</think>" not in expected.text:  # gibberish from random weights rarely closes its thought
        assert trace["generation"] == {"finished": False, "stop_reason": "max_new_tokens", "new_tokens": 24,
                                       "closed_think": False}
        assert "without </think>" in run.stderr
    assert "SYNTHETIC" in run.stdout and str(out / f"{trace_id}.json") in run.stdout

    again = run_ta(*args)
    assert again.returncode == 5 and "--force" in again.stderr and len(again.stderr.strip().splitlines()) == 1
    forced = run_ta(*args, "--force", "--id", "again")
    assert forced.returncode == 0, forced.stderr
    repeat = json.loads((out / "again.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in repeat.items() if k != "id"} == {k: v for k, v in trace.items() if k != "id"}


def test_a_stop_string_from_a_problem_file(worker, tmp_path):
    problem_file = tmp_path / "problem.txt"
    problem_file.write_text("\ufeff  " + PROBLEM + "\n", encoding="utf-8")
    with ta.connect(worker.address) as client:
        free = client.generate(PROMPT, max_new_tokens=16, temperature=1.0, top_p=1.0, seed=3)
        text = "".join(t.piece for t in free)
    stop = text[8:11]
    run = run_ta("generate", "--problem-file", str(problem_file), "--worker", worker.address, "--out",
                 str(tmp_path), "--id", "stopped", "--max-new-tokens", "16", "--temperature", "1", "--top-p", "1",
                 "--seed", "3", "--stop", stop, "--no-progress")
    assert run.returncode == 0, run.stderr
    trace = json.loads((tmp_path / "stopped.json").read_text(encoding="utf-8"))
    validate_trace(trace)
    assert trace["problem"] == PROBLEM and trace["sampling"]["stop"] == [stop]
    assert trace["generation"]["stop_reason"] == "stop_string" and trace["generation"]["finished"] is True
    completion = trace["cot"] + trace["after_cot"]
    assert stop in completion and text.startswith(completion) and len(completion) < len(text)


def test_refusals_exit_with_one_line(worker, tmp_path):
    chat = run_ta("generate", "--problem", PROBLEM, "--worker", worker.address, "--out", str(tmp_path),
                  "--chat-template", "--max-new-tokens", "4")
    assert chat.returncode == 4 and "generate.chat_template" in chat.stderr
    both = run_ta("generate", "--problem", PROBLEM, "--problem-file", "x", "--worker", worker.address, "--out",
                  str(tmp_path))
    assert both.returncode == 2 and "mutually exclusive" in both.stderr
    too_long = run_ta("generate", "--problem", PROBLEM, "--worker", worker.address, "--out", str(tmp_path),
                      "--max-new-tokens", "100000000")
    assert too_long.returncode == 4 and "max_tokens" in too_long.stderr and len(too_long.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
