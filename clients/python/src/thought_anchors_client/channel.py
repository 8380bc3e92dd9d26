"""The gRPC channel: worker addresses -> one target, round-robin with health checks; TLS and the bearer token.

As the Java client: one channel spreads calls over every worker with gRPC's round_robin policy and skips
workers whose standard health service reports NOT_SERVING. Retries are the client's own (`retries.py`), not
gRPC's. Python's gRPC has no pluggable name resolver, so a list of several `host:port` is resolved once, here,
into an `ipv4:`/`ipv6:` target; a single address goes through gRPC's DNS resolver, and `dns:///name:port`
(one name for many workers, e.g. a headless Kubernetes service) is passed through as is.

Security uses gRPC's own credential types: `ssl_channel_credentials` (the CA to trust, the client certificate
for mutual TLS), `access_token_call_credentials` for the token (sent as `authorization: Bearer ...`), composed
with `composite_channel_credentials`. gRPC sends call credentials only over a secure channel, so a token
without TLS goes over `local_channel_credentials`, which only connects to loopback. The token is read here and
handed to gRPC; no Python object of the client keeps it.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc

from thought_anchors.worker.v1 import worker_pb2

SERVICE_NAME = worker_pb2.DESCRIPTOR.services_by_name["ModelWorker"].full_name
TOKEN_VARIABLE = "TA_WORKER_TOKEN"
_SCHEMES = ("dns:", "ipv4:", "ipv6:", "unix:", "unix-abstract:")
# The worker accepts client pings every 10 s at most while a call waits (server.py); more often is a GOAWAY.
MIN_KEEPALIVE = 10.0


@dataclass(frozen=True)
class ChannelSettings:
    """Transport settings (see `connect`)."""

    max_message_bytes: int = 64 << 20
    keepalive: float = 30.0

    def __post_init__(self) -> None:
        if self.max_message_bytes < 1 << 20:
            raise ValueError(f"max_message_bytes below 1 MiB: {self.max_message_bytes}")
        if not self.keepalive >= MIN_KEEPALIVE:
            raise ValueError(f"keepalive must be at least {MIN_KEEPALIVE:g} s (the worker's ping limit), "
                             f"got {self.keepalive}")

    def service_config(self) -> str:
        return json.dumps({"loadBalancingConfig": [{"round_robin": {}}], "healthCheckConfig": {"serviceName": ""}})

    def options(self) -> list[tuple[str, object]]:
        # Keepalive pings while a call runs or waits: a worker that is stopped, frozen or unreachable fails the
        # connection (UNAVAILABLE, retried elsewhere) after about 2 x keepalive instead of holding the call.
        keepalive_ms = int(self.keepalive * 1000)
        return [("grpc.service_config", self.service_config()),
                ("grpc.service_config_disable_resolution", 1),  # our config, not one from DNS TXT records
                ("grpc.enable_retries", 0),  # retries are the client's own (retries.py)
                ("grpc.max_receive_message_length", self.max_message_bytes),
                ("grpc.max_send_message_length", self.max_message_bytes),
                ("grpc.keepalive_time_ms", keepalive_ms), ("grpc.keepalive_timeout_ms", keepalive_ms),
                ("grpc.http2.max_pings_without_data", 0)]


@dataclass(frozen=True)
class Security:
    """What the client trusts and presents; no secret in it (the token stays a file name or variable name)."""

    tls: bool = False
    ca_file: str | None = None          # PEM certificates to trust; None with tls: the system's roots
    cert_file: str | None = None        # client certificate chain (mutual TLS) ...
    key_file: str | None = None         # ... and its private key
    server_name: str | None = None      # the name to check the worker's certificate against (default: the host)
    token_source: str | None = None     # where the token comes from: a file, or TOKEN_VARIABLE

    @staticmethod
    def of(tls: bool | None, tls_ca, tls_cert, tls_key, tls_server_name: str | None, token_file) -> Security:
        if (tls_cert is None) != (tls_key is None):
            raise ValueError("tls_cert and tls_key go together: give both or neither")
        use_tls = bool(tls) or tls_ca is not None or tls_cert is not None
        if tls is False and use_tls:
            raise ValueError("tls=False contradicts tls_ca / tls_cert")
        if tls_server_name is not None and not use_tls:
            raise ValueError("tls_server_name needs TLS")
        source = str(token_file) if token_file is not None else (TOKEN_VARIABLE if os.environ.get(TOKEN_VARIABLE)
                                                                 else None)
        return Security(use_tls, _path(tls_ca), _path(tls_cert), _path(tls_key), tls_server_name, source)

    def describe(self) -> str:
        parts = ["TLS" if self.tls else "plaintext"]
        if self.cert_file:
            parts.append("client certificate")
        if self.token_source:
            parts.append(f"token from {self.token_source}")
        return ", ".join(parts)

    def credentials(self) -> grpc.ChannelCredentials | None:
        """None: a plaintext channel without a token."""
        token = self._token()
        if self.tls:
            channel = grpc.ssl_channel_credentials(
                root_certificates=_read("tls_ca", self.ca_file) if self.ca_file else None,
                private_key=_read("tls_key", self.key_file) if self.key_file else None,
                certificate_chain=_read("tls_cert", self.cert_file) if self.cert_file else None)
        elif token is not None:
            channel = grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP)
        else:
            return None
        if token is None:
            return channel
        return grpc.composite_channel_credentials(channel, grpc.access_token_call_credentials(token))

    def _token(self) -> str | None:
        if self.token_source is None:
            return None
        if self.token_source == TOKEN_VARIABLE:
            token, where = os.environ.get(TOKEN_VARIABLE, "").strip(), f"${TOKEN_VARIABLE}"
        else:
            lines = [line.strip() for line in _read("token_file", self.token_source).decode().splitlines()]
            tokens = [line for line in lines if line]
            if len(tokens) != 1:
                raise ValueError(f"token_file {self.token_source} holds {len(tokens)} tokens; a client presents one")
            token, where = tokens[0], f"token_file {self.token_source}"
        if not token or any(not 0x21 <= ord(c) < 0x7F for c in token):
            raise ValueError(f"{where} is not a token (printable ASCII, no spaces)")
        return token


def _path(value) -> str | None:
    return None if value is None else os.fspath(value)


def _read(what: str, path: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ValueError(f"{what} {path}: {error.strerror or error}") from None
    if not data.strip():
        raise ValueError(f"{what} {path} is empty")
    return data


def split_address(address: str) -> tuple[str, int]:
    """`host:port` or `[v6]:port` -> (host, port); a clear ValueError otherwise."""
    text = address.strip()
    host, sep, port = text.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        sep = ""  # an unbracketed IPv6 literal is ambiguous
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"worker address must be host:port (IPv6 as [addr]:port), got {address!r}")
    return host, int(port)


def target(addresses: str | Sequence[str]) -> str:
    """The channel target for one or several worker addresses (a comma-separated string or a list)."""
    entries = _entries(addresses)
    if len(entries) == 1 and entries[0].startswith(_SCHEMES):
        return entries[0]
    if len(entries) == 1:
        host, port = split_address(entries[0])
        return f"dns:///{_bracketed(host)}:{port}"
    return _static_target([split_address(e) for e in entries])


def _static_target(hosts: list[tuple[str, int]]) -> str:
    resolved: dict[int, list[str]] = {socket.AF_INET: [], socket.AF_INET6: []}
    families: list[set[int]] = []
    for host, port in hosts:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise ValueError(f"cannot resolve worker host {host!r}: {error}") from None
        found = set()
        for family, _, _, _, sockaddr in infos:
            if family in resolved:
                entry = f"{_bracketed(sockaddr[0])}:{port}"
                if entry not in resolved[family]:
                    resolved[family].append(entry)
                found.add(family)
        families.append(found)
    for family, scheme in ((socket.AF_INET, "ipv4"), (socket.AF_INET6, "ipv6")):
        if all(family in f for f in families):
            return f"{scheme}:" + ",".join(resolved[family])
    raise ValueError(f"workers {[h for h, _ in hosts]} do not all resolve to one address family (IPv4 or IPv6); "
                     "gRPC's static address lists cannot mix them")


def _bracketed(host: str) -> str:
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host


def open_channel(target_uri: str, settings: ChannelSettings, security: Security = Security()) -> grpc.Channel:
    options = settings.options()
    if security.server_name:
        options.append(("grpc.ssl_target_name_override", security.server_name))
    credentials = security.credentials()
    if credentials is None:
        return grpc.insecure_channel(target_uri, options=options)
    return grpc.secure_channel(target_uri, credentials, options=options)


def tls_server_name(addresses: str | Sequence[str], security: Security) -> str | None:
    """The name a TLS channel checks the worker certificates against when `addresses` were resolved here into
    one static target (which loses the host names): the one host they all share; else the caller must say."""
    if not security.tls or security.server_name:
        return security.server_name
    entries = _entries(addresses)
    if len(entries) == 1:  # gRPC's resolver keeps the name
        return None
    hosts = {split_address(e)[0] for e in entries}
    if len(hosts) == 1:
        return hosts.pop()
    raise ValueError(f"TLS to several hosts {sorted(hosts)}: give tls_server_name, a name every worker "
                     "certificate carries (one static target loses the host names)")


def is_loopback_target(addresses: str | Sequence[str]) -> bool:
    """True if every address given is a loopback host (what a token without TLS may be sent to)."""
    entries = _entries(addresses)
    if len(entries) == 1 and entries[0].startswith(_SCHEMES):
        return False
    for entry in entries:
        host, port = split_address(entry)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror:
            return False
        if not all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos):
            return False
    return True


def _entries(addresses: str | Sequence[str]) -> list[str]:
    entries = [a.strip() for a in (addresses.split(",") if isinstance(addresses, str) else addresses) if a.strip()]
    if not entries:
        raise ValueError("no worker address given")
    return entries
