"""`ta` against a real worker serving TLS and wanting a bearer token, certificates from a throwaway CA made here.

The token reaches the worker through gRPC's call credentials and nowhere else: not the command line, not run.json,
run.log or any output file, not the terminal. Each misconfiguration is one line and exit status 4.
"""

from __future__ import annotations

import os
import secrets

import pytest

from conftest import QWEN_SAMPLE, WorkerProcess, certificate_authority, run_ta

TRACE = QWEN_SAMPLE / "correct_base_solution" / "problem_2236"
TOKEN = "e2e-" + secrets.token_urlsafe(18)


@pytest.fixture(scope="module")
def secure_worker(tmp_path_factory):
    folder = tmp_path_factory.mktemp("secure-worker")
    ca = certificate_authority(folder / "ca")
    issued = ca.issue("worker")
    tokens = folder / "tokens.txt"
    tokens.write_text(f"another-users-token\n{TOKEN}\n")
    process = WorkerProcess("tiny-qwen2", folder, "--tls-cert", str(issued.cert), "--tls-key", str(issued.key),
                            "--token-file", str(tokens))
    yield process, ca
    process.stop()


def _env(token: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TA_WORKER_TOKEN"}
    if token is not None:
        env["TA_WORKER_TOKEN"] = token
    return env


def _receivers(worker, ca, out, *extra, token: str | None = TOKEN):
    return run_ta("receivers", "--data", str(TRACE), "--worker", worker.address, "--tls-ca", str(ca.cert),
                  "--out", str(out), "--no-progress", *extra, env=_env(token))


def test_receivers_over_tls_with_the_token_from_the_environment_never_writes_the_token(secure_worker, tmp_path):
    worker, ca = secure_worker
    out = tmp_path / "out"
    result = _receivers(worker, ca, out, "--cache", str(tmp_path / "cache"))

    assert result.returncode == 0, result.stderr
    assert (out / "top_heads.csv").exists()
    assert "TLS and a token" in (out / "run.json").read_text()
    _assert_nowhere(TOKEN, out, result)


def test_describe_takes_the_token_from_a_file(secure_worker, tmp_path):
    worker, ca = secure_worker
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    result = run_ta("describe", "--worker", worker.address, "--tls-ca", str(ca.cert), "--token-file",
                    str(token_file), env=_env(None))

    assert result.returncode == 0, result.stderr
    assert "tiny-qwen2" in result.stdout


@pytest.mark.parametrize("token, expected", [
    (None, "wants a token and none was given"),
    ("not-the-token", "refused the token"),
])
def test_a_missing_or_wrong_token_is_one_line_and_exit_4(secure_worker, tmp_path, token, expected):
    worker, ca = secure_worker
    out = tmp_path / "out"
    result = _receivers(worker, ca, out, "--verbose", token=token)

    assert result.returncode == 4, result.stderr
    first = result.stderr.splitlines()[0]
    assert expected in first and worker.address in first, result.stderr
    plain = _receivers(worker, ca, tmp_path / "again", token=token)
    assert len(plain.stderr.strip().splitlines()) == 1, plain.stderr
    if token is not None:  # neither the stack trace (--verbose) nor the run's log shows the token
        assert (out / "run.log").exists()
        _assert_nowhere(token, out, result)


def test_plaintext_to_the_tls_worker_fails_clearly(secure_worker, tmp_path):
    worker, _ = secure_worker
    result = run_ta("receivers", "--data", str(TRACE), "--worker", worker.address, "--out", str(tmp_path / "out"),
                    "--no-progress", env=_env(None))

    assert result.returncode == 4, result.stderr
    assert "cannot reach the worker at " + worker.address + " over plaintext" in result.stderr, result.stderr


def test_a_worker_certificate_from_another_ca_is_refused(secure_worker, tmp_path):
    worker, _ = secure_worker
    stranger = certificate_authority(tmp_path / "other-ca")
    result = _receivers(worker, stranger, tmp_path / "out")

    assert result.returncode == 4, result.stderr
    assert "TLS handshake failed" in result.stderr, result.stderr
    assert TOKEN not in result.stderr


def _assert_nowhere(token: str, out, result):
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written, f"{out} holds no file"
    for path in written:
        assert token.encode() not in path.read_bytes(), f"the token leaked into {path}"
    assert token not in result.stdout + result.stderr
