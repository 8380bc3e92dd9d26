"""Who may call the worker: server TLS, client certificates (mutual TLS) and bearer tokens.

Built on gRPC's own credential types (`grpc.ssl_server_credentials`) and a server interceptor for the token;
nothing here speaks TLS itself. Files are read and checked once, at start: an empty or unreadable certificate,
key or token file stops the worker with a one-line reason instead of serving without what it was given.
Tokens are kept only as SHA-256 digests and never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import grpc

log = logging.getLogger(__name__)

# Methods any caller may use: the standard health service (probes, load balancers, clients' health checks).
OPEN_PREFIX = "/grpc.health.v1.Health/"
_TOKEN_CHARACTERS = frozenset(chr(c) for c in range(0x21, 0x7F))  # printable ASCII, no spaces (HTTP/2 header)


class SecurityError(Exception):
    """A security setting that cannot be served as given (message: one line, no secret)."""


@dataclass(frozen=True)
class Security:
    """TLS material (PEM) and token digests; the default is plaintext without tokens (loopback use)."""

    certificate_chain: bytes | None = field(default=None, repr=False)
    private_key: bytes | None = field(default=None, repr=False)
    client_ca: bytes | None = field(default=None, repr=False)   # set: clients must present a certificate it signed
    token_digests: tuple[bytes, ...] = field(default=(), repr=False)

    @property
    def tls(self) -> bool:
        return self.certificate_chain is not None

    @property
    def authenticates(self) -> bool:
        """Callers must prove who they are: a bearer token or a client certificate."""
        return bool(self.token_digests) or self.client_ca is not None

    def __repr__(self) -> str:
        return (f"Security(tls={self.tls}, client_certificates={self.client_ca is not None}, "
                f"tokens={len(self.token_digests)})")

    def server_credentials(self) -> grpc.ServerCredentials:
        return grpc.ssl_server_credentials([(self.private_key, self.certificate_chain)],
                                           root_certificates=self.client_ca,
                                           require_client_auth=self.client_ca is not None)

    def interceptors(self) -> list[grpc.ServerInterceptor]:
        return [BearerTokens(self.token_digests)] if self.token_digests else []


def load(tls_cert: str | None, tls_key: str | None, tls_client_ca: str | None, token_file: str | None) -> Security:
    """Reads and checks the files named by `serve`'s flags; raises SecurityError naming the flag and file."""
    if (tls_cert is None) != (tls_key is None):
        raise SecurityError("--tls-cert and --tls-key go together: give both or neither")
    if tls_client_ca is not None and tls_cert is None:
        raise SecurityError("--tls-client-ca needs server TLS: give --tls-cert and --tls-key too")
    chain = key = client_ca = None
    if tls_cert is not None:
        chain, key = _read("--tls-cert", tls_cert), _read("--tls-key", tls_key)
        try:  # the standard library's parser: a key that does not match the certificate fails here, not at a handshake
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(tls_cert, tls_key)
        except (ssl.SSLError, ValueError) as error:
            raise SecurityError(f"--tls-cert {tls_cert} / --tls-key {tls_key}: not a PEM certificate chain and its "
                                f"private key ({error})") from None
    if tls_client_ca is not None:
        client_ca = _read("--tls-client-ca", tls_client_ca)
        try:
            ssl.create_default_context(cafile=tls_client_ca)
        except (ssl.SSLError, ValueError) as error:
            raise SecurityError(f"--tls-client-ca {tls_client_ca}: not PEM CA certificates ({error})") from None
    digests = _token_digests(token_file) if token_file is not None else ()
    return Security(chain, key, client_ca, digests)


def _read(flag: str, path: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SecurityError(f"{flag} {path}: {error.strerror or error}") from None
    if not data.strip():
        raise SecurityError(f"{flag} {path} is empty")
    return data


def _token_digests(path: str) -> tuple[bytes, ...]:
    """One token per line (surrounding whitespace and empty lines ignored); refuses a file with none."""
    digests = []
    for number, line in enumerate(_read("--token-file", path).decode("utf-8", "replace").splitlines(), 1):
        token = line.strip()
        if not token:
            continue
        if not set(token) <= _TOKEN_CHARACTERS:
            raise SecurityError(f"--token-file {path}: line {number} is not a token (printable ASCII, no spaces)")
        digests.append(_digest(token))
    if not digests:
        raise SecurityError(f"--token-file {path} holds no token")
    return tuple(digests)


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("ascii", "replace")).digest()


def is_loopback(host: str) -> bool:
    """True if every address `host` resolves to is a loopback address (an unresolvable host is not)."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


class BearerTokens(grpc.ServerInterceptor):
    """Every call but health checks needs `authorization: Bearer <token>` with a token of the file:
    UNAUTHENTICATED without one, PERMISSION_DENIED for a wrong one. The digest of the token presented is
    compared with every accepted digest in constant time, so timing tells neither the token nor which
    line matched. A refused call's request is never decoded."""

    def __init__(self, digests: tuple[bytes, ...]):
        self._digests = digests
        self._refusals = RefusalLog()

    def intercept_service(self, continuation, handler_call_details):
        method = handler_call_details.method
        if method.startswith(OPEN_PREFIX):
            return continuation(handler_call_details)
        values = [value for key, value in handler_call_details.invocation_metadata or () if key == "authorization"]
        if not values:
            return _refusal(continuation(handler_call_details), method, self._refusals, grpc.StatusCode.UNAUTHENTICATED,
                            "this worker needs a bearer token (metadata authorization: Bearer <token>)")
        scheme, _, token = values[0].partition(" ")
        if len(values) > 1 or scheme.lower() != "bearer" or not token.strip():
            return _refusal(continuation(handler_call_details), method, self._refusals, grpc.StatusCode.UNAUTHENTICATED,
                            "the authorization metadata must be one 'Bearer <token>'")
        digest = _digest(token.strip())
        if not any([hmac.compare_digest(digest, accepted) for accepted in self._digests]):  # a list: no short cut
            return _refusal(continuation(handler_call_details), method, self._refusals, grpc.StatusCode.PERMISSION_DENIED,
                            "the bearer token is not one this worker accepts")
        return continuation(handler_call_details)


class RefusalLog:
    """Refused calls in the log, at most one line per status code a minute: a client guessing tokens, or a fleet of
    misconfigured ones, must not flood the worker's log. The line after a quiet spell counts what it left out."""

    def __init__(self, every_seconds: float = 60.0, clock=time.monotonic):
        self._every = every_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._last: dict[grpc.StatusCode, float] = {}
        self._unlogged: dict[grpc.StatusCode, int] = {}

    def refused(self, method: str, peer: str, code: grpc.StatusCode) -> None:
        with self._lock:
            now = self._clock()
            if code in self._last and now - self._last[code] < self._every:
                self._unlogged[code] = self._unlogged.get(code, 0) + 1
                return
            self._last[code] = now
            left_out = self._unlogged.pop(code, 0)
        more = f" ({left_out} more {code.name} refusals since the last line)" if left_out else ""
        log.warning("refused a call to %s from %s: %s%s", method, peer, code.name, more)


def _refusal(handler, method: str, refusals: RefusalLog, code: grpc.StatusCode, message: str):
    """A handler of the method's own kind (unary or streaming, either side) that only refuses the call."""

    def refuse(request_or_requests, context):
        refusals.refused(method, context.peer(), code)
        context.abort(code, message)

    streaming_requests = handler is not None and handler.request_streaming
    streaming_responses = handler is not None and handler.response_streaming
    make = {(False, False): grpc.unary_unary_rpc_method_handler, (False, True): grpc.unary_stream_rpc_method_handler,
            (True, False): grpc.stream_unary_rpc_method_handler, (True, True): grpc.stream_stream_rpc_method_handler}
    return make[(streaming_requests, streaming_responses)](refuse)
