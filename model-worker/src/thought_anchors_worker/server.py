"""A gRPC server around one model backend, with health checking and reflection."""

from __future__ import annotations

from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from thought_anchors.worker.v1 import worker_pb2, worker_pb2_grpc

from .backend import Backend
from .service import ModelWorkerService
from .validation import Limits

SERVICE_NAME = worker_pb2.DESCRIPTOR.services_by_name["ModelWorker"].full_name
# Requests carry text and ranges; 64 MiB is far above any trace yet bounded.
MAX_REQUEST_BYTES = 64 << 20


def build_server(backend: Backend, address: str, limits: Limits, max_waiting: int = 8):
    """Returns (server, bound port, health servicer); the server is not started."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=max_waiting + 4, thread_name_prefix="grpc"),
        options=[("grpc.max_receive_message_length", MAX_REQUEST_BYTES),
                 ("grpc.max_send_message_length", max(limits.max_chunk_bytes, 4 << 20) + (1 << 20))],
        maximum_concurrent_rpcs=max_waiting + 4,
    )
    worker_pb2_grpc.add_ModelWorkerServicer_to_server(ModelWorkerService(backend, limits, max_waiting), server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ("", SERVICE_NAME):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection(
        (SERVICE_NAME, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME), server)
    port = server.add_insecure_port(address)
    if port == 0:
        raise OSError(f"cannot bind {address}")
    return server, port, health_servicer
