"""Who may call the worker: server TLS, client certificates, bearer tokens, the refusal to serve a network
unprotected, reflection off, the plaintext health-only port. Certificates come from a throwaway CA made here."""

from __future__ import annotations

import logging
import subprocess
import sys

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from thought_anchors.worker.v1 import worker_pb2 as pb
from thought_anchors.worker.v1 import worker_pb2_grpc
from thought_anchors_worker import security
from thought_anchors_worker.server import build_health_server, build_server
from thought_anchors_worker.validation import Limits
from throwaway_ca import CertificateAuthority

TOKEN = "s3cret-token-4f1c9a"
OTHER_TOKEN = "another-users-token-77"
LIMITS = Limits(1 << 20, 64, 1)


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return CertificateAuthority(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def token_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("tokens") / "tokens.txt"
    path.write_text(f"\n  {OTHER_TOKEN}  \n{TOKEN}\n\n")  # one a line; blanks and surrounding spaces ignored
    return path


def _serve(backend, secured: security.Security, **options):
    server, port, health = build_server(backend, "127.0.0.1:0", LIMITS, 2, secured, **options)
    server.start()
    return server, port, health


@pytest.fixture(scope="module")
def tls_worker(qwen, ca, token_file):
    issued = ca.issue("worker")
    secured = security.load(str(issued.cert), str(issued.key), None, str(token_file))
    server, port, _ = _serve(qwen, secured)
    yield port
    server.stop(grace=None)


@pytest.fixture(scope="module")
def mtls_worker(qwen, ca):
    issued = ca.issue("mtls-worker")
    secured = security.load(str(issued.cert), str(issued.key), str(ca.cert), None)
    server, port, _ = _serve(qwen, secured, reflection_on=False)
    yield port
    server.stop(grace=None)


def _tls_channel(port: int, ca, token: str | None = None, client=None) -> grpc.Channel:
    credentials = grpc.ssl_channel_credentials(
        ca.cert.read_bytes(), client.key.read_bytes() if client else None, client.cert.read_bytes() if client else None)
    if token is not None:
        credentials = grpc.composite_channel_credentials(credentials, grpc.access_token_call_credentials(token))
    return grpc.secure_channel(f"localhost:{port}", credentials)


def _every_verb(stub) -> list[str]:
    """Each verb once, with what it answered."""
    info = stub.Describe(pb.DescribeRequest(), timeout=30)
    tokens = stub.Tokenize(pb.TokenizeRequest(text="Two and two make four."), timeout=30)
    ids = pb.ModelInput(token_ids=pb.TokenIds(ids=list(tokens.ids)))
    attention = list(stub.Attention(pb.AttentionRequest(input=ids, mode=pb.AttentionRequest.RAW, layers=[0]),
                                    timeout=60))
    logits = list(stub.Logits(pb.LogitsRequest(input=ids, variants=[pb.Suppression()], full_logit_positions=[-1]),
                              timeout=60))
    assert info.num_layers == 4 and len(tokens.ids) > 3
    assert {c.layer for c in attention} == {0} and {c.kind for c in logits} == {pb.TensorChunk.FULL_LOGITS}
    return ["Describe", "Tokenize", "Attention", "Logits"]


def _code(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as info:
        call()
    return info.value


def test_every_verb_over_tls_with_a_token(tls_worker, ca):
    with _tls_channel(tls_worker, ca, TOKEN) as channel:
        assert _every_verb(worker_pb2_grpc.ModelWorkerStub(channel)) == ["Describe", "Tokenize", "Attention", "Logits"]
    with _tls_channel(tls_worker, ca, OTHER_TOKEN) as channel:  # every line of the file is a token
        assert worker_pb2_grpc.ModelWorkerStub(channel).Describe(pb.DescribeRequest(), timeout=30).num_layers == 4


def test_no_token_is_unauthenticated_and_a_wrong_one_permission_denied_for_every_verb(tls_worker, ca):
    calls = {
        "Describe": lambda s: s.Describe(pb.DescribeRequest(), timeout=30),
        "Tokenize": lambda s: s.Tokenize(pb.TokenizeRequest(text="x"), timeout=30),
        "Attention": lambda s: list(s.Attention(pb.AttentionRequest(input=pb.ModelInput(text="x")), timeout=30)),
        "Logits": lambda s: list(s.Logits(pb.LogitsRequest(input=pb.ModelInput(text="x")), timeout=30)),
    }
    for token, code, fragment in [(None, grpc.StatusCode.UNAUTHENTICATED, "needs a bearer token"),
                                  (TOKEN + "x", grpc.StatusCode.PERMISSION_DENIED, "not one this worker accepts"),
                                  (TOKEN[:-1], grpc.StatusCode.PERMISSION_DENIED, "not one this worker accepts")]:
        with _tls_channel(tls_worker, ca, token) as channel:
            stub = worker_pb2_grpc.ModelWorkerStub(channel)
            for verb, call in calls.items():
                error = _code(lambda: call(stub))
                assert (error.code(), verb) == (code, verb) and fragment in error.details()


def test_a_malformed_authorization_header_is_unauthenticated(tls_worker, ca):
    with _tls_channel(tls_worker, ca) as channel:
        stub = worker_pb2_grpc.ModelWorkerStub(channel)
        for value in (f"Basic {TOKEN}", TOKEN, "Bearer "):
            error = _code(lambda: stub.Describe(pb.DescribeRequest(), metadata=[("authorization", value)], timeout=30))
            assert error.code() == grpc.StatusCode.UNAUTHENTICATED, value


def test_health_checks_need_no_token(tls_worker, ca):
    with _tls_channel(tls_worker, ca) as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=30)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        reflection = reflection_pb2_grpc.ServerReflectionStub(channel)  # reflection is not health: token needed
        error = _code(lambda: next(reflection.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=30)))
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED


def test_plaintext_to_a_tls_worker_fails(tls_worker):
    with grpc.insecure_channel(f"127.0.0.1:{tls_worker}") as channel:
        error = _code(lambda: worker_pb2_grpc.ModelWorkerStub(channel).Describe(
            pb.DescribeRequest(), metadata=[("authorization", f"Bearer {TOKEN}")], timeout=10))
    assert error.code() == grpc.StatusCode.UNAVAILABLE


def test_a_certificate_from_another_ca_is_not_trusted(tls_worker, tmp_path):
    stranger = CertificateAuthority(tmp_path, "some other CA")
    with _tls_channel(tls_worker, stranger, TOKEN) as channel:
        error = _code(lambda: worker_pb2_grpc.ModelWorkerStub(channel).Describe(pb.DescribeRequest(), timeout=10))
    assert error.code() == grpc.StatusCode.UNAVAILABLE


def test_mutual_tls_needs_a_valid_client_certificate(mtls_worker, ca, tmp_path):
    good = ca.issue("laptop", names=("laptop",), client=True)
    with _tls_channel(mtls_worker, ca, client=good) as channel:
        assert worker_pb2_grpc.ModelWorkerStub(channel).Describe(pb.DescribeRequest(), timeout=30).num_layers == 4
    expired = ca.issue("old-laptop", names=("old-laptop",), client=True, expired=True)
    foreign = CertificateAuthority(tmp_path, "rogue CA").issue("rogue", names=("rogue",), client=True)
    for client in (None, expired, foreign):
        with _tls_channel(mtls_worker, ca, client=client) as channel:
            error = _code(lambda: worker_pb2_grpc.ModelWorkerStub(channel).Describe(pb.DescribeRequest(), timeout=10))
        assert error.code() == grpc.StatusCode.UNAVAILABLE, client  # the handshake fails: no call is made


def test_reflection_can_be_switched_off(mtls_worker, ca):
    good = ca.issue("laptop2", names=("laptop2",), client=True)
    with _tls_channel(mtls_worker, ca, client=good) as channel:
        reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
        error = _code(lambda: next(reflection.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=30)))
    assert error.code() == grpc.StatusCode.UNIMPLEMENTED


def test_the_health_port_serves_health_alone_in_plaintext_and_follows_the_worker(qwen, ca, token_file):
    issued = ca.issue("health-worker")
    server, port, health = _serve(qwen, security.load(str(issued.cert), str(issued.key), None, str(token_file)))
    health_server, health_port = build_health_server(health, "127.0.0.1:0")
    health_server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{health_port}") as channel:
            probe = health_pb2_grpc.HealthStub(channel)
            assert probe.Check(health_pb2.HealthCheckRequest(), timeout=30).status == \
                health_pb2.HealthCheckResponse.SERVING
            error = _code(lambda: worker_pb2_grpc.ModelWorkerStub(channel).Describe(
                pb.DescribeRequest(), metadata=[("authorization", f"Bearer {TOKEN}")], timeout=10))
            assert error.code() == grpc.StatusCode.UNIMPLEMENTED  # no verbs on the health port
            health.enter_graceful_shutdown()
            assert probe.Check(health_pb2.HealthCheckRequest(), timeout=30).status == \
                health_pb2.HealthCheckResponse.NOT_SERVING
    finally:
        health_server.stop(grace=None)
        server.stop(grace=None)


def test_refusals_are_logged_without_the_token(qwen, ca, token_file, caplog):
    issued = ca.issue("fresh-worker")  # a worker of its own: the module's has logged its refusals for the minute
    server, port, _ = _serve(qwen, security.load(str(issued.cert), str(issued.key), None, str(token_file)))
    caplog.set_level(logging.DEBUG)
    try:
        with _tls_channel(port, ca, TOKEN + "-wrong") as channel:
            _code(lambda: worker_pb2_grpc.ModelWorkerStub(channel).Describe(pb.DescribeRequest(), timeout=30))
    finally:
        server.stop(grace=None)
    assert "PERMISSION_DENIED" in caplog.text
    assert TOKEN not in caplog.text and OTHER_TOKEN not in caplog.text

def test_refusals_are_logged_once_a_minute_per_status_with_a_count_of_those_left_out(caplog):
    now = [0.0]
    refusals = security.RefusalLog(every_seconds=60.0, clock=lambda: now[0])
    caplog.set_level(logging.WARNING, logger=security.log.name)
    for second in range(100):  # a client guessing tokens, one a second
        now[0] = float(second)
        refusals.refused("/m/Describe", "ipv4:10.0.0.9:4000", grpc.StatusCode.PERMISSION_DENIED)
    refusals.refused("/m/Describe", "ipv4:10.0.0.9:4000", grpc.StatusCode.UNAUTHENTICATED)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "refused a call to /m/Describe from ipv4:10.0.0.9:4000: PERMISSION_DENIED",
        "refused a call to /m/Describe from ipv4:10.0.0.9:4000: PERMISSION_DENIED (59 more PERMISSION_DENIED "
        "refusals since the last line)",
        "refused a call to /m/Describe from ipv4:10.0.0.9:4000: UNAUTHENTICATED"]


def test_the_token_is_kept_only_as_a_digest(token_file):
    secured = security.load(None, None, None, str(token_file))
    assert len(secured.token_digests) == 2 and TOKEN not in repr(secured) and OTHER_TOKEN not in repr(secured)
    assert not any(TOKEN.encode() in d or OTHER_TOKEN.encode() in d for d in secured.token_digests)


# ---------------------------------------------------------------------------------------------- serve's flags


def _serve_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """`serve` with flags that are refused before the model loads (so it exits at once)."""
    return subprocess.run([sys.executable, "-m", "thought_anchors_worker", "serve", "--model", "tiny-qwen2",
                           "--port", "0", *args], capture_output=True, text=True, timeout=timeout)


def test_serving_beyond_loopback_without_tls_and_a_token_is_refused_in_one_line(ca, token_file):
    issued = ca.issue("cli-worker")
    for args, missing in [((), "TLS (--tls-cert, --tls-key) and client authentication"),
                          (("--token-file", str(token_file)), "TLS (--tls-cert, --tls-key), or --insecure"),
                          (("--tls-cert", str(issued.cert), "--tls-key", str(issued.key)),
                           "client authentication (--token-file, or --tls-client-ca)")]:
        result = _serve_cli("--host", "0.0.0.0", *args)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "--host 0.0.0.0 is reachable beyond this machine" in lines[0], lines
        assert missing in lines[0]


@pytest.mark.parametrize("args, message", [
    (("--tls-cert", "CERT"), "--tls-cert and --tls-key go together"),
    (("--tls-client-ca", "CA"), "--tls-client-ca needs server TLS"),
    (("--tls-cert", "CERT", "--tls-key", "OTHER_KEY"), "not a PEM certificate chain and its private key"),
    (("--tls-cert", "CA_KEY", "--tls-key", "KEY"), "not a PEM certificate chain"),
    (("--token-file", "EMPTY"), "is empty"),
    (("--token-file", "SPACED"), "line 2 is not a token"),
    (("--token-file", "MISSING"), "No such file"),
    (("--max-connection-age", "0"), "--max-connection-age must be positive"),
])
def test_bad_security_files_stop_the_worker_naming_the_flag(ca, tmp_path, args, message):
    issued, other = ca.issue("file-worker"), ca.issue("other-worker")
    (tmp_path / "empty").write_text("\n \n")
    (tmp_path / "spaced").write_text(f"{TOKEN}\nfirst second\n")
    files = {"CERT": issued.cert, "KEY": issued.key, "OTHER_KEY": other.key, "CA": ca.cert, "CA_KEY": issued.key,
             "EMPTY": tmp_path / "empty", "SPACED": tmp_path / "spaced", "MISSING": tmp_path / "missing"}
    result = _serve_cli(*[str(files.get(a, a)) for a in args])
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert TOKEN not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_insecure_allows_an_unprotected_network_address():
    from types import SimpleNamespace

    from thought_anchors_worker.__main__ import _security

    flags = dict(tls_cert=None, tls_key=None, tls_client_ca=None, token_file=None, max_connection_age=None)
    assert not _security(SimpleNamespace(host="0.0.0.0", insecure=True, **flags)).tls
    assert not _security(SimpleNamespace(host="127.0.0.1", insecure=False, **flags)).authenticates
    with pytest.raises(security.SecurityError, match="reachable beyond this machine"):
        _security(SimpleNamespace(host="0.0.0.0", insecure=False, **flags))


def test_loopback_hosts_are_recognised():
    assert security.is_loopback("127.0.0.1") and security.is_loopback("::1") and security.is_loopback("localhost")
    assert not security.is_loopback("0.0.0.0") and not security.is_loopback("::")
    assert not security.is_loopback("no-such-host.invalid")
