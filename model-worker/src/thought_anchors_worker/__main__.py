"""Command line: `python -m thought_anchors_worker serve --model tiny-qwen2 --port 50051 [--backend hf]`."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from . import backends, synthetic, trained
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
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from .server import build_server  # after argument parsing: imports grpc stubs

    try:
        backend = backends.load(args.backend, LoadOptions(args.model, args.dtype, args.device, args.device_map,
                                                          args.max_tokens))
    except ModelLoadError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    query_block = args.query_block or (128 if args.device == "cpu" and not args.device_map else 512)
    limits = Limits(args.max_chunk_bytes, query_block, args.batch_size)
    server, port, health_servicer = build_server(backend, f"{args.host}:{args.port}", limits, args.max_waiting)
    server.start()
    model = backend.describe()
    logging.info("serving %s (%s, %d layers x %d heads, backend %s %s) on %s:%d%s", model.model_id,
                 model.architecture, model.num_layers, model.num_query_heads, model.backend, model.backend_version,
                 args.host, port, " [synthetic weights]" if model.synthetic_weights else "")
    if args.port_file:
        with open(args.port_file, "w") as handle:
            handle.write(str(port))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    health_servicer.enter_graceful_shutdown()
    server.stop(grace=5).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
