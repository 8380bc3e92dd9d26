"""The gRPC channel: worker addresses -> one target, round-robin with health checks and retries.

As the Java client: one channel spreads calls over every worker with gRPC's round_robin policy,
skips workers whose standard health service reports NOT_SERVING, and retries calls that find a
worker UNAVAILABLE (all four verbs are idempotent reads). Python's gRPC has no pluggable name
resolver, so a list of several `host:port` is resolved once, here, into an `ipv4:`/`ipv6:` target;
a single address goes through gRPC's DNS resolver, and `dns:///name:port` (one name for many
workers, e.g. a headless Kubernetes service) is passed through as is.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Sequence
from dataclasses import dataclass

import grpc

from thought_anchors.worker.v1 import worker_pb2

SERVICE_NAME = worker_pb2.DESCRIPTOR.services_by_name["ModelWorker"].full_name
_SCHEMES = ("dns:", "ipv4:", "ipv6:", "unix:", "unix-abstract:")


@dataclass(frozen=True)
class ChannelSettings:
    """Transport settings (see `connect`)."""

    max_attempts: int = 4
    initial_backoff: float = 0.2
    max_backoff: float = 5.0
    max_message_bytes: int = 64 << 20

    def __post_init__(self) -> None:
        if not 1 <= self.max_attempts <= 5:
            raise ValueError(f"max_attempts must be in [1, 5] (gRPC's retry limit), got {self.max_attempts}")
        if not 0 < self.initial_backoff <= self.max_backoff:
            raise ValueError(f"backoffs must satisfy 0 < initial_backoff <= max_backoff, got "
                             f"{self.initial_backoff}, {self.max_backoff}")
        if self.max_message_bytes < 1 << 20:
            raise ValueError(f"max_message_bytes below 1 MiB: {self.max_message_bytes}")

    def service_config(self) -> str:
        retry = {"maxAttempts": self.max_attempts, "initialBackoff": f"{self.initial_backoff:.9f}s",
                 "maxBackoff": f"{self.max_backoff:.9f}s", "backoffMultiplier": 2,
                 "retryableStatusCodes": ["UNAVAILABLE"]}
        return json.dumps({
            "loadBalancingConfig": [{"round_robin": {}}],
            "healthCheckConfig": {"serviceName": ""},
            "methodConfig": [{"name": [{"service": SERVICE_NAME}], "retryPolicy": retry}],
        })

    def options(self) -> list[tuple[str, object]]:
        return [("grpc.service_config", self.service_config()),
                ("grpc.service_config_disable_resolution", 1),  # our config, not one from DNS TXT records
                ("grpc.enable_retries", 1),
                ("grpc.max_receive_message_length", self.max_message_bytes),
                ("grpc.max_send_message_length", self.max_message_bytes)]


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
    entries = [a.strip() for a in (addresses.split(",") if isinstance(addresses, str) else addresses) if a.strip()]
    if not entries:
        raise ValueError("no worker address given")
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


def open_channel(target_uri: str, settings: ChannelSettings) -> grpc.Channel:
    """Plaintext for now; TLS and call credentials plug in here."""
    return grpc.insecure_channel(target_uri, options=settings.options())
