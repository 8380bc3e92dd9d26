"""`ta receivers` and `ta report` on the inputs a user brings, against a real tiny worker on loopback.

Three inputs, each built here from the shipped sample: a tree of the paper's rollouts dataset
(`<model>/temperature_<t>_top_p_<p>/<type>_base_solution/problem_<id>/` with chunks.json, a forced-answer folder
and resampled solutions of which some are defective, as published), a plain-text chain of thought with a BOM and
a prompt file, and a JSONL of three traces of the project's own format. What the inputs lack (categories,
black-box importance, a second trace) is skipped with a one-line reason in the summary, run.json and the page,
and the page still passes the browser check. Random weights: this checks the pipeline, not the science.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import QWEN_SAMPLE, run_ta
from report_browser import ARTIFACTS, check_report

MODEL = QWEN_SAMPLE.name
SAMPLING = "temperature_0.6_top_p_0.95"
PROBLEMS = ["2236", "2238", "3448"]
# Per problem: chunk_0 holds GOOD records, ERRORS bare error records (the published defect) and one without an
# answer; chunk_1 holds GOOD records and one with a blank answer.
GOOD, ERRORS = 4, 2
SKIPPED_PER_PROBLEM = ERRORS + 2
FIG5 = "fig5_receiver_score_by_category"
FIG4E = "fig4e_split_half_reliability"
COUNTERFACTUAL = "receiver_vs_counterfactual"
FIG6 = {"fig6a_suppression_matrix", "fig6b_suppression_by_distance"}


def _sample(problem: str):
    return QWEN_SAMPLE / "correct_base_solution" / f"problem_{problem}"


def _solutions(good: int, errors: int, blank_answer: bool):
    records = [{"chunk_removed": "x", "prefix_without_chunk": "p", "chunk_resampled": "y", "rollout": f"r{i}",
                "full_cot": "p y r", "answer": "12", "is_correct": i % 2 == 0} for i in range(good)]
    records += [{"chunk_removed": "x", "prefix_without_chunk": "p", "error": "'text'"} for _ in range(errors)]
    records.append({"chunk_removed": "x", "rollout": "no boxed answer", **({"answer": ""} if blank_answer else {})})
    return records


def _build_rollouts_tree(root):
    """The dataset's layout: chunks.json beside chunks_labeled.json, no summary.json or step_importance.json."""
    for folder in ["correct_base_solution", "correct_base_solution_forced_answer"]:
        for problem in PROBLEMS:
            target = root / MODEL / SAMPLING / folder / f"problem_{problem}"
            target.mkdir(parents=True)
            for name in ["problem.json", "base_solution.json", "chunks_labeled.json"]:
                shutil.copy(_sample(problem) / name, target / name)
            base = json.loads((target / "base_solution.json").read_text())
            labeled = json.loads((target / "chunks_labeled.json").read_text())
            (target / "chunks.json").write_text(json.dumps(
                {"source_text": base["full_cot"], "solution_text": base["solution"],
                 "chunks": [c["chunk"] for c in labeled]}))
            for index, blank in [(0, False), (1, True)]:
                (target / f"chunk_{index}").mkdir()
                (target / f"chunk_{index}" / "solutions.json").write_text(
                    json.dumps(_solutions(GOOD, ERRORS if index == 0 else 0, blank)))
    return root


def _chain_of_thought(problem: str):
    """The sample trace's problem, prompt and chain of thought (between <think> and </think>)."""
    base = json.loads((_sample(problem) / "base_solution.json").read_text())
    statement = json.loads((_sample(problem) / "problem.json").read_text())["problem"]
    cot = base["solution"].split("</think>")[0]
    return statement, base["prompt"], cot


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("own-data")
    tree = _build_rollouts_tree(root / "math-rollouts")
    _, prompt, cot = _chain_of_thought("2238")
    text = root / "my_cot.txt"
    text.write_bytes(b"\xef\xbb\xbf" + cot.encode())
    prompt_file = root / "prompt.txt"
    prompt_file.write_text(prompt)
    jsonl = root / "three.jsonl"
    lines = []
    for problem in PROBLEMS:
        statement, _, cot = _chain_of_thought(problem)
        lines.append(json.dumps({"problem": statement, "cot": cot, "answer": "?"}))
    jsonl.write_text("\n".join(lines) + "\n")
    return {"tree": tree, "text": text, "prompt": prompt_file, "jsonl": jsonl, "root": root, "cache": root / "cache"}


def _ta(command, data, worker, out, cache, *extra):
    """One command over `data`; the attention cache is shared by the module (equal texts are computed once)."""
    result = run_ta(command, "--data", str(data), "--worker", worker.address, "--out", str(out),
                    "--cache", str(cache), "--no-progress", *extra)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return result


def _json(path):
    return json.loads(path.read_text())


def _not_computed_lines(stdout):
    return [line.strip() for line in stdout.splitlines() if " not computed: " in line]


@pytest.fixture(scope="module")
def rollouts_run(inputs, worker):
    out = inputs["root"] / "rollouts"
    result = _ta("report", inputs["tree"], worker, out / "report", inputs["cache"])
    return result, out / "report"


def test_receivers_reads_the_rollouts_tree_with_its_sampling_folder_and_defects_counted(inputs, worker, tmp_path):
    result = _ta("receivers", inputs["tree"], worker, tmp_path / "out", inputs["cache"])
    run = _json(tmp_path / "out" / "run.json")
    assert [t["id"] for t in run["traces"]] == [f"{MODEL}/{SAMPLING}/correct/{p}" for p in PROBLEMS]
    for trace in run["traces"]:
        source = trace["source"]
        assert source["layout"] == "math-rollouts" and source["model_folder"] == MODEL
        assert source["sampling"] == {"folder": SAMPLING, "temperature": 0.6, "top_p": 0.95}
        assert source["solution_folder"] == "correct_base_solution"
        assert source["has_categories"] and source["has_importance"] and not source["has_step_importance"]
        counts = source["resampled_solutions"]
        assert counts["solutions"] == 2 * (GOOD + 1) + ERRORS
        assert counts["usable"] == 2 * GOOD
        assert counts["skipped_with_error"] == ERRORS and counts["skipped_without_answer"] == 2
    warnings = "\n".join(run["warnings"])
    assert re.search(rf"{SKIPPED_PER_PROBLEM} of {2 * (GOOD + 1) + ERRORS} resampled solutions skipped", warnings)
    assert "left out 1 forced_answer folder(s)" in warnings and "--include-folders forced_answer" in warnings, \
        "a left-out folder is said, not silent"
    assert all("forced" not in t["id"] for t in run["traces"])
    # No step_importance.json anywhere: the resampling comparison is skipped, counterfactual importance is not.
    reasons = run["not_computed"]
    assert list(reasons) == ["receiver scores against the resampling matrix (residualised Spearman)"]
    assert reasons[next(iter(reasons))].startswith("no trace has a step_importance.json")
    assert _not_computed_lines(result.stdout) == [f"{k} not computed: {v}" for k, v in reasons.items()]
    assert "black-box: receiver scores against counterfactual importance over 3 traces" in result.stdout


def test_the_forced_answer_folders_are_read_only_when_named(inputs, worker, tmp_path):
    result = _ta("receivers", inputs["tree"], worker, tmp_path / "out", inputs["cache"],
                 "--include-folders", "FORCED_ANSWER")
    ids = [t["id"] for t in _json(tmp_path / "out" / "run.json")["traces"]]
    assert sorted(ids) == sorted(f"{MODEL}/{SAMPLING}/{folder}/{p}" for folder in ["correct", "correct_forced_answer"]
                                 for p in PROBLEMS)
    assert result.returncode == 0


def test_report_on_the_rollouts_tree_draws_what_it_can_and_passes_the_browser_check(rollouts_run):
    result, report = rollouts_run
    summary = _json(report / "report.json")
    drawn = {f["id"] for f in summary["figures"]}
    assert FIG5 in drawn and COUNTERFACTUAL in drawn and FIG4E in drawn
    assert set(summary["skipped"]) == FIG6 and all(summary["skipped"].values())
    page = check_report(report / "index.html", ARTIFACTS / "report-own-rollouts.png")
    assert page["blocked"] == 0
    # every figure report.json lists, and the receiver-head controls, which the page alone draws (no PNG)
    assert {c["id"] for c in page["charts"]} == drawn | {"head_controls"}


def test_a_plain_text_chain_of_thought_gives_a_report_with_reasons_for_what_it_lacks(inputs, worker, tmp_path):
    result = _ta("report", inputs["text"], worker, tmp_path / "report", inputs["cache"],
                 "--prompt-file", str(inputs["prompt"]))
    run = _json(tmp_path / "report" / "run.json")
    [trace] = run["traces"]
    assert trace["id"] == "my_cot" and trace["source"]["layout"] == "text"
    assert not trace["source"]["has_categories"] and not trace["source"]["has_importance"]
    assert run["data_options"]["prompt_file"] == str(inputs["prompt"].resolve())
    reasons = run["not_computed"]
    assert reasons["receiver scores by category (Figure 5)"].startswith("no trace has sentence categories")
    assert reasons["split-half reliability (alternating)"] == \
        "it splits the traces in two and needs at least two; this run has 1"
    for line in [f"{k} not computed: {v}" for k, v in reasons.items()]:
        assert line in _not_computed_lines(result.stdout)

    summary = _json(tmp_path / "report" / "report.json")
    skipped = summary["skipped"]
    assert {FIG5, FIG4E, COUNTERFACTUAL} | FIG6 == set(skipped)
    assert all(reason and "\n" not in reason for reason in skipped.values()), "one line each"
    assert "categor" in skipped[FIG5]
    for stem in skipped:
        assert not (tmp_path / "report" / "figures" / f"{stem}.png").exists(), "never an empty chart"

    page = check_report(tmp_path / "report" / "index.html", ARTIFACTS / "report-own-text.png",
                        hover_screenshot=ARTIFACTS / "report-own-text-hover.png")
    assert page["blocked"] == 0
    assert {c["id"] for c in page["charts"]}.isdisjoint(skipped)
    assert len(page["notComputed"]) >= 3 and all(n.startswith("not computed: ") for n in page["notComputed"])
    assert any("categor" in n for n in page["notComputed"])
    assert [h for h in page["hovers"] if h["ok"]], "tooltips show the sentences of one's own text"


def test_a_jsonl_of_three_traces_gives_a_report_without_categories(inputs, worker, tmp_path):
    result = _ta("report", inputs["jsonl"], worker, tmp_path / "report", inputs["cache"])
    run = _json(tmp_path / "report" / "run.json")
    assert [t["id"] for t in run["traces"]] == ["three-1", "three-2", "three-3"]
    assert [t["source"]["line"] for t in run["traces"]] == [1, 2, 3]
    assert [t["source"]["problem_number"] for t in run["traces"]] == [1, 2, 3]
    assert set(run["not_computed"]) == {"receiver scores by category (Figure 5)",
                                        "receiver scores against counterfactual importance",
                                        "receiver scores against the resampling matrix (residualised Spearman)"}
    summary = _json(tmp_path / "report" / "report.json")
    assert set(summary["skipped"]) == {FIG5, COUNTERFACTUAL} | FIG6
    assert FIG4E in {f["id"] for f in summary["figures"]}, "three traces split in two"
    page = check_report(tmp_path / "report" / "index.html", ARTIFACTS / "report-own-jsonl.png")
    assert page["blocked"] == 0 and len(page["notComputed"]) >= 2
    assert "skipped" in result.stdout


def test_suppression_matrix_on_one_line_of_the_jsonl_then_its_report(inputs, worker, tmp_path):
    jsonl = tmp_path / "one.jsonl"
    statement, _, cot = _chain_of_thought("2238")
    sentences_kept = ". ".join(cot.split(". ")[:12]) + "."
    jsonl.write_text(json.dumps({"id": "short", "problem": statement, "cot": sentences_kept}) + "\n")
    matrix = run_ta("suppression-matrix", "--data", str(jsonl), "--worker", worker.address,
                    "--out", str(tmp_path / "supp"), "--no-progress")
    assert matrix.returncode == 0, matrix.stderr
    assert (tmp_path / "supp" / "short" / "suppression_matrix_normalised.csv").is_file()
    report = _ta("report", jsonl, worker, tmp_path / "report", inputs["cache"],
                 "--suppression", str(tmp_path / "supp"))
    drawn = {f["id"] for f in _json(tmp_path / "report" / "report.json")["figures"]}
    assert FIG6 <= drawn
    assert report.returncode == 0


def test_suppress_check_on_a_plain_text_chain_of_thought(inputs, worker, tmp_path):
    text = tmp_path / "short.txt"
    _, _, cot = _chain_of_thought("2238")
    text.write_text(". ".join(cot.split(". ")[:12]) + ".")
    result = run_ta("suppress-check", "--trace", str(text), "--prompt-file", str(inputs["prompt"]),
                    "--worker", worker.address, "--out", str(tmp_path / "check"), "--cache", str(inputs["cache"]),
                    "--no-progress")
    assert result.returncode == 0, result.stderr  # PASS or FAIL is the model's business: both exit 0
    check = _json(tmp_path / "check" / "suppress_check.json")
    assert "short" in json.dumps(check) and re.search(r"KL_high = \S+, KL_low = \S+", result.stdout)


def test_bad_own_data_is_one_clear_line_with_where(inputs, worker, tmp_path):
    bad = tmp_path / "bad.jsonl"
    good = inputs["jsonl"].read_text().splitlines()[0]
    bad.write_text(good + "\n{\"problem\": \"p\", \"cot\": \n" + good + "\n")
    result = run_ta("receivers", "--data", str(bad), "--worker", worker.address, "--out", str(tmp_path / "o"),
                    "--no-progress")
    assert result.returncode == 3
    assert f"{bad}" in result.stderr and "line 2" in result.stderr
    assert not (tmp_path / "o").exists(), "nothing half-written"

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\xef\xbb\xbf  \n")
    result = run_ta("receivers", "--data", str(empty), "--worker", worker.address, "--out", str(tmp_path / "o"),
                    "--no-progress")
    assert result.returncode == 3 and "only whitespace" in result.stderr

    one_sentence = tmp_path / "one.txt"
    one_sentence.write_text("One sentence only.\n")
    result = run_ta("receivers", "--data", str(one_sentence), "--worker", worker.address,
                    "--out", str(tmp_path / "o"), "--no-progress")
    assert result.returncode == 3 and "gives 1 sentence(s) to analyse" in result.stderr

    missing_chunks = tmp_path / "tree"
    shutil.copytree(inputs["tree"], missing_chunks)
    (missing_chunks / MODEL / SAMPLING / "correct_base_solution" / "problem_2238" / "chunks.json").unlink()
    result = run_ta("receivers", "--data", str(missing_chunks), "--worker", worker.address,
                    "--out", str(tmp_path / "o"), "--no-progress")
    assert result.returncode == 3 and "chunks.json" in result.stderr and "problem_2238" in result.stderr
