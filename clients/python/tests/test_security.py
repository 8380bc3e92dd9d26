"""The client against a worker process serving TLS, requiring client certificates and a bearer token.

Certificates come from a throwaway CA made for the run; the token is made here and must never show in the
worker's log, the client's log, its repr or an error message."""

from __future__ import annotations

import logging
import secrets

import numpy as np
import pytest

import thought_anchors_client as ta
from conftest import Worker

TOKEN = f"tok-{secrets.token_hex(16)}"


@pytest.fixture(scope="module")
def material(certificate_authority, tmp_path_factory):
    folder = tmp_path_factory.mktemp("security")
    token_file = folder / "token.txt"
    token_file.write_text(TOKEN + "\n")
    wrong_file = folder / "wrong.txt"
    wrong_file.write_text(TOKEN[:-1] + "0\n" if not TOKEN.endswith("0") else TOKEN[:-1] + "1\n")
    return {"ca": certificate_authority, "token": token_file, "wrong": wrong_file,
            "worker": certificate_authority.issue("secured-worker"),
            "laptop": certificate_authority.issue("laptop", names=("laptop",), client=True)}


@pytest.fixture(scope="module")
def secured(material, tmp_path_factory):
    """TLS + client certificates + token: every protection at once."""
    worker = Worker("tiny-qwen2", tmp_path_factory.mktemp("secured-worker"),
                    "--tls-cert", str(material["worker"].cert), "--tls-key", str(material["worker"].key),
                    "--tls-client-ca", str(material["ca"].cert), "--token-file", str(material["token"]))
    worker.address = worker.address.replace("127.0.0.1", "localhost")  # a name its certificate carries
    yield worker
    worker.stop()


def _connect(worker, material, *, token_file="token", cert=True, **options) -> ta.Client:
    laptop = material["laptop"]
    return ta.connect(worker.address, tls_ca=material["ca"].cert,
                      tls_cert=laptop.cert if cert else None, tls_key=laptop.key if cert else None,
                      token_file=material[token_file] if token_file else None, **{"max_attempts": 1, **options})


def test_every_verb_works_over_mutual_tls_with_a_token(secured, material, qwen, trace_text):
    """The same answers as the plaintext worker of the other tests (same seeded model)."""
    text = trace_text[:300]
    with _connect(secured, material) as c:
        assert c.describe().num_layers == qwen.describe().num_layers == 4
        tokens = c.tokenize(text)
        assert np.array_equal(tokens.ids, qwen.tokenize(text).ids)
        ranges = [(1, 20), (20, len(tokens.ids))]
        assert np.array_equal(c.attention(tokens.ids, ta.POOLED, pool_ranges=ranges),
                              qwen.attention(tokens.ids, ta.POOLED, pool_ranges=ranges), equal_nan=True)
        got = c.logits(tokens.ids, [ta.BASELINE], full_positions=[-1])
        expected = qwen.logits(tokens.ids, [ta.BASELINE], full_positions=[-1])
        last = len(tokens.ids) - 1
        assert np.array_equal(got.variants[0].full_at(last), expected.variants[0].full_at(last))
        assert "TLS" in repr(c) and TOKEN not in repr(c)


def test_the_token_may_come_from_the_environment(secured, material, monkeypatch):
    monkeypatch.setenv("TA_WORKER_TOKEN", TOKEN)
    with _connect(secured, material, token_file=None) as c:
        assert c.describe().num_layers == 4
        assert "token from TA_WORKER_TOKEN" in c.security


def test_no_token_is_unauthenticated_and_a_wrong_one_permission_denied(secured, material, monkeypatch):
    monkeypatch.delenv("TA_WORKER_TOKEN", raising=False)
    with _connect(secured, material, token_file=None) as c:
        with pytest.raises(ta.UnauthenticatedError, match="needs a bearer token"):
            c.tokenize("hello")
        with pytest.raises(ta.UnauthenticatedError):
            c.attention([1, 2, 3], ta.RAW)
    with _connect(secured, material, token_file="wrong") as c:
        with pytest.raises(ta.PermissionDeniedError, match="not one this worker accepts") as info:
            c.describe()
        assert TOKEN not in str(info.value) and TOKEN[:-1] not in str(info.value)


def test_plaintext_to_a_tls_worker_fails_clearly(secured):
    with ta.connect(secured.address, max_attempts=1) as c:
        with pytest.raises(ta.UnavailableError, match="connects in plaintext: if the worker serves TLS"):
            c.tokenize("hello", timeout=10)


def test_a_client_without_a_valid_certificate_cannot_connect(secured, material):
    expired = material["ca"].issue("expired-laptop", names=("laptop",), client=True, expired=True)
    with ta.connect(secured.address, tls_ca=material["ca"].cert, tls_cert=expired.cert, tls_key=expired.key,
                    token_file=material["token"], max_attempts=1) as c:
        with pytest.raises(ta.UnavailableError):
            c.tokenize("hello", timeout=10)
    with _connect(secured, material, cert=False) as c:
        with pytest.raises(ta.UnavailableError):
            c.tokenize("hello", timeout=10)


def test_a_worker_certificate_from_another_ca_is_not_trusted(secured, material, tmp_path):
    stranger = type(material["ca"])(tmp_path, "stranger CA")
    with ta.connect(secured.address, tls_ca=stranger.cert, tls_cert=material["laptop"].cert,
                    tls_key=material["laptop"].key, token_file=material["token"], max_attempts=1) as c:
        with pytest.raises(ta.UnavailableError):
            c.tokenize("hello", timeout=10)


def test_the_token_never_reaches_a_log(secured, material, caplog):
    caplog.set_level(logging.DEBUG)
    with _connect(secured, material, max_attempts=2, initial_backoff=0.05, max_backoff=0.1) as c:
        c.describe()
    with _connect(secured, material, token_file="wrong") as c:
        with pytest.raises(ta.PermissionDeniedError):
            c.describe()
    worker_log = secured.log_path.read_text()
    assert "PERMISSION_DENIED" in worker_log and "TLS" in worker_log  # the log is the right one
    wrong = material["wrong"].read_text().strip()
    for text in (worker_log, caplog.text):
        assert TOKEN not in text and wrong not in text


def test_a_token_is_not_sent_in_plaintext_beyond_loopback(material):
    with pytest.raises(ValueError, match="goes only over TLS or to a loopback worker"):
        ta.connect("192.0.2.1:50051", token_file=material["token"])
    with pytest.raises(ValueError, match="tls_cert and tls_key go together"):
        ta.connect("localhost:1", tls_cert=material["laptop"].cert)
    with pytest.raises(ValueError, match="tls=False contradicts"):
        ta.connect("localhost:1", tls=False, tls_ca=material["ca"].cert)


def test_a_token_to_a_loopback_worker_without_tls_goes_over_a_local_channel(workers, monkeypatch):
    """gRPC sends call credentials only over a secure channel: loopback counts as one (local credentials)."""
    monkeypatch.setenv("TA_WORKER_TOKEN", TOKEN)
    with ta.connect(workers["tiny-qwen2"].address) as c:
        assert c.describe().num_layers == 4 and c.security == "plaintext, token from TA_WORKER_TOKEN"


@pytest.mark.parametrize("content, message", [("", "is empty"), ("a\nb\n", "holds 2 tokens"),
                                              ("has space\n", "is not a token")])
def test_a_bad_token_file_is_refused_at_the_first_call(secured, material, tmp_path, content, message):
    bad = tmp_path / "bad-token.txt"
    bad.write_text(content)
    with pytest.raises(ValueError, match=message):
        ta.connect(secured.address, tls_ca=material["ca"].cert, token_file=bad)
