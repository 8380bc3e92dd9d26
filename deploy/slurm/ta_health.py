"""Waits until every worker answers the standard grpc.health.v1 check with SERVING.

ta-workers.sbatch runs it from the batch host before publishing the addresses: a worker that started is not yet
one that ta can reach (host names, firewalls, certificates). Usage: ta_health.py [--tls] [--tls-ca FILE]
[--timeout S] HOST:PORT...; exit 1 with one line per worker that did not answer.
"""

from __future__ import annotations

import argparse
import sys
import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def check(address: str, credentials: grpc.ChannelCredentials | None, deadline: float) -> str | None:
    """None once the worker is SERVING, else the last reason it was not."""
    reason = "no answer"
    with (grpc.secure_channel(address, credentials) if credentials else grpc.insecure_channel(address)) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while True:
            try:
                status = stub.Check(health_pb2.HealthCheckRequest(), timeout=5).status
                if status == health_pb2.HealthCheckResponse.SERVING:
                    return None
                reason = health_pb2.HealthCheckResponse.ServingStatus.Name(status)
            except grpc.RpcError as err:
                reason = f"{err.code().name}: {err.details()}"
            if time.monotonic() > deadline:
                return reason
            time.sleep(1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="ta_health.py")
    parser.add_argument("addresses", nargs="+", metavar="HOST:PORT")
    parser.add_argument("--tls", action="store_true", help="the workers serve TLS")
    parser.add_argument("--tls-ca", help="CA that signed the workers' certificates (implies --tls)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for all of them")
    args = parser.parse_args(argv)
    credentials = None
    if args.tls or args.tls_ca:
        roots = open(args.tls_ca, "rb").read() if args.tls_ca else None
        credentials = grpc.ssl_channel_credentials(root_certificates=roots)
    deadline = time.monotonic() + args.timeout
    failed = [(a, r) for a in args.addresses if (r := check(a, credentials, deadline)) is not None]
    for address, reason in failed:
        print(f"worker {address} is not serving after {args.timeout:g} s: {reason}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
