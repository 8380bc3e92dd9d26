"""bin/ta, the launcher: a class-data archive per command, recorded by a successful run and used by the next
(docs/performance.md, "`ta receivers` with a warm worker"), and the jar's own exit statuses passed through."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import CLI_JAR, LAUNCHER, QWEN_SAMPLE, REPO

TRACE = QWEN_SAMPLE / "correct_base_solution" / "problem_2238"


def launch(*args: str, cds: Path, jar: Path = CLI_JAR, java_opts: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "TA_CDS_DIR": str(cds), "TA_JAR": str(jar), "TA_JAVA_OPTS": java_opts}
    return subprocess.run([str(LAUNCHER), *args], capture_output=True, text=True, timeout=300, cwd=REPO, env=env)


def summary(cds: Path, out: Path, jar: Path = CLI_JAR, java_opts: str = "") -> subprocess.CompletedProcess:
    return launch("summary", "--data", str(TRACE), "--out", str(out), "--force", "--no-progress", cds=cds, jar=jar,
                  java_opts=java_opts)


def test_a_successful_run_records_an_archive_the_next_run_maps(tmp_path):
    cds = tmp_path / "cds"
    first = summary(cds, tmp_path / "out1")
    assert first.returncode == 0, first.stderr
    archives = sorted(cds.glob("summary-*.jsa"))
    assert len(archives) == 1 and archives[0].stat().st_size > 1_000_000
    assert not list(cds.glob("*.tmp"))

    # The second run loads the project's classes from the archive, not from the jar.
    second = summary(cds, tmp_path / "out2", java_opts="-Xlog:class+load=info")
    assert second.returncode == 0, second.stderr
    ours = [line for line in second.stdout.splitlines() if " io.thoughtanchors." in line and "source:" in line]
    assert ours, second.stdout[-2000:]
    shared = [line for line in ours if "shared objects file" in line]
    assert len(shared) > 0.9 * len(ours), (len(shared), len(ours))
    # ... and writes the same results.
    assert (tmp_path / "out1" / "summaries.csv").read_text() == (tmp_path / "out2" / "summaries.csv").read_text()


def test_failed_help_and_version_runs_record_nothing(tmp_path):
    cds = tmp_path / "cds"
    failed = launch("summary", "--data", str(tmp_path / "missing"), "--out", str(tmp_path / "out"), cds=cds)
    assert failed.returncode == 3, failed.stderr  # the jar's own status for bad input
    assert launch("summary", "--help", cds=cds).returncode == 0
    version = launch("--version", cds=cds)
    assert version.returncode == 0 and version.stdout.startswith("ta ")
    assert not cds.exists() or not list(cds.iterdir())


def test_a_rebuilt_jar_gets_a_new_archive_and_the_old_one_goes(tmp_path):
    cds, jar = tmp_path / "cds", tmp_path / "ta.jar"
    shutil.copy2(CLI_JAR, jar)
    assert summary(cds, tmp_path / "out1", jar=jar).returncode == 0
    (old,) = cds.glob("summary-*.jsa")
    os.utime(jar, (jar.stat().st_atime, jar.stat().st_mtime + 60))  # what a rebuild changes
    rebuilt = summary(cds, tmp_path / "out2", jar=jar)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Unable to use shared archive" not in rebuilt.stderr
    (new,) = cds.glob("summary-*.jsa")
    assert new.name != old.name
    # Another checkout's jar (another path) keeps its own archive beside it.
    other = tmp_path / "other.jar"
    shutil.copy2(CLI_JAR, other)
    assert summary(cds, tmp_path / "out3", jar=other).returncode == 0
    assert len(list(cds.glob("summary-*.jsa"))) == 2


def test_a_missing_jar_is_one_line_and_status_1(tmp_path):
    result = launch("--version", cds=tmp_path / "cds", jar=tmp_path / "nowhere.jar")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "make java" in result.stderr
