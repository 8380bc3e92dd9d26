"""Command line: `python -m thought_anchors_worker serve --model tiny-qwen2 --port 50051 [--backend hf]`."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from . import backends, security, synthetic, trained
from .backend import LoadOptions, ModelLoadError
from .validation import Limits


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="thought_anchors_worker")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="load one model and serve it over gRPC")
    serve.add_argument("--model", required=True,
                       help="HF id, local path, synthetic spec JSON, or one of: "
                            f"{', '.join(synthetic.names())} (random weights), {', '.join(trained.names())} (trained)")
    serve.add_argument("--backend", default=backends.DEFAULT, choices=backends.names(),
                       help=f"what runs the model (default {backends.DEFAULT}: transformers)")
    serve.add_argument("--dtype", default="auto", help="auto (bf16 on CUDA, fp32 on CPU), float32, bfloat16, float16")
    serve.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1, ...")
    serve.add_argument("--device-map", default=None, help="HF device_map for several GPUs, e.g. auto")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=50051, help="0 picks a free port")
    serve.add_argument("--max-tokens", type=int, default=None, help="longest input accepted")
    serve.add_argument("--max-waiting", type=int, default=8, help="calls queued behind the running one")
    serve.add_argument("--max-chunk-bytes", type=int, default=3 << 20, help="largest streamed message")
    serve.add_argument("--query-block", type=int, default=None,
                       help="query rows per float32 softmax block (default: 128 on CPU, where smaller blocks stay "
                            "in cache; 512 on GPUs)")
    serve.add_argument("--batch-size", type=int, default=1, help="suppression variants per forward")
    serve.add_argument("--port-file", default=None, help="write the bound port here once serving")
    wire = serve.add_argument_group("security and connections (docs/operations.md)")
    wire.add_argument("--tls-cert", metavar="FILE", help="server certificate chain (PEM): serve TLS")
    wire.add_argument("--tls-key", metavar="FILE", help="the certificate's private key (PEM)")
    wire.add_argument("--tls-client-ca", metavar="FILE",
                      help="require client certificates signed by these CAs (PEM): mutual TLS")
    wire.add_argument("--token-file", metavar="FILE",
                      help="bearer tokens, one a line: every call but health checks must present one")
    wire.add_argument("--insecure", action="store_true",
                      help="allow a non-loopback --host without TLS and client authentication (a network "
                           "nobody else can reach)")
    wire.add_argument("--no-reflection", action="store_true", help="do not serve gRPC server reflection")
    wire.add_argument("--max-connection-age", type=float, metavar="SECONDS", default=None,
                      help="close client connections after about this long, so clients re-resolve their "
                           "target (calls in flight finish)")
    wire.add_argument("--health-port", type=int, metavar="PORT", default=None,
                      help="also serve grpc.health.v1 alone, in plaintext, on this port (probes that cannot "
                           "speak TLS)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from .server import build_health_server, build_server  # after argument parsing: imports grpc stubs

    try:
        wire_security = _security(args)
    except security.SecurityError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        backend = backends.load(args.backend, LoadOptions(args.model, args.dtype, args.device, args.device_map,
                                                          args.max_tokens))
    except ModelLoadError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    query_block = args.query_block or (128 if args.device == "cpu" and not args.device_map else 512)
    limits = Limits(args.max_chunk_bytes, query_block, args.batch_size)
    try:
        server, port, health_servicer = build_server(
            backend, f"{_bracketed(args.host)}:{args.port}", limits, args.max_waiting, wire_security,
            reflection_on=not args.no_reflection, max_connection_age=args.max_connection_age)
        servers = [server]
        if args.health_port is not None:
            health_server, health_port = build_health_server(health_servicer,
                                                             f"{_bracketed(args.host)}:{args.health_port}")
            servers.append(health_server)
    except (OSError, RuntimeError) as err:  # grpc raises RuntimeError when it cannot bind
        print(f"error: cannot serve on {args.host}: {err}", file=sys.stderr)
        return 2
    for each in servers:
        each.start()
    model = backend.describe()
    logging.info("serving %s (%s, %d layers x %d heads, backend %s %s) on %s:%d (%s)%s", model.model_id,
                 model.architecture, model.num_layers, model.num_query_heads, model.backend, model.backend_version,
                 args.host, port, _describe_security(wire_security, args),
                 " [synthetic weights]" if model.synthetic_weights else "")
    if args.health_port is not None:
        logging.info("health checks only, plaintext, on %s:%d", args.host, health_port)
    if args.port_file:
        with open(args.port_file, "w") as handle:
            handle.write(str(port))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    health_servicer.enter_graceful_shutdown()
    for each in [server.stop(grace=5) for server in servers]:
        each.wait()
    return 0


def _security(args) -> security.Security:
    """The security flags, checked before the model loads: refuses a non-loopback --host that would serve
    beyond this machine without TLS and client authentication, unless --insecure."""
    if args.max_connection_age is not None and not args.max_connection_age > 0:
        raise security.SecurityError(f"--max-connection-age must be positive, got {args.max_connection_age}")
    loaded = security.load(args.tls_cert, args.tls_key, args.tls_client_ca, args.token_file)
    if not (args.insecure or security.is_loopback(args.host) or (loaded.tls and loaded.authenticates)):
        missing = " and ".join(([] if loaded.tls else ["TLS (--tls-cert, --tls-key)"])
                               + ([] if loaded.authenticates else ["client authentication (--token-file, or "
                                                                   "--tls-client-ca)"]))
        raise security.SecurityError(f"--host {args.host} is reachable beyond this machine: serving it needs "
                                     f"{missing}, or --insecure on a network nobody else can reach")
    return loaded


def _describe_security(loaded: security.Security, args) -> str:
    parts = ["TLS" if loaded.tls else "plaintext"]
    if loaded.client_ca is not None:
        parts.append("client certificates required")
    if loaded.token_digests:
        parts.append(f"{len(loaded.token_digests)} bearer token(s)")
    if args.insecure and not (loaded.tls and loaded.authenticates):
        parts.append("--insecure")
    if args.no_reflection:
        parts.append("no reflection")
    return ", ".join(parts)


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


if __name__ == "__main__":
    sys.exit(main())
