"""A gRPC server around one model backend, with health checking and reflection."""

from __future__ import annotations

import socket
from concurrent import futures

import grpc
from google.protobuf.message import DecodeError
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from thought_anchors.worker.v1 import worker_pb2

from .backend import Backend
from .service import ModelWorkerService
from .validation import Limits, max_request_bytes

SERVICE_NAME = worker_pb2.DESCRIPTOR.services_by_name["ModelWorker"].full_name
# Threads beyond the admitted calls' (max_waiting + 1): Describe, health checks, reflection and busy refusals
# never wait for an admitted call; gRPC refuses calls beyond the pool RESOURCE_EXHAUSTED itself.
_SPARE_THREADS = 16


def build_server(backend: Backend, address: str, limits: Limits, max_waiting: int = 8):
    """Returns (server, bound port, health servicer); the server is not started."""
    threads = max_waiting + 1 + _SPARE_THREADS
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="grpc"),
        options=[("grpc.max_receive_message_length", max_request_bytes(backend.describe())),
                 ("grpc.max_send_message_length", max(limits.max_chunk_bytes, 4 << 20) + (1 << 20))],
        maximum_concurrent_rpcs=threads,
    )
    service = ModelWorkerService(backend, limits, max_waiting)
    server.add_generic_rpc_handlers((_decoding_handler(service),))
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ("", SERVICE_NAME):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection(
        (SERVICE_NAME, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME), server)
    port = server.add_insecure_port(address)
    if port == 0:
        raise OSError(f"cannot bind {address}")
    service.name = f"{socket.gethostname()}:{port}"
    return server, port, health_servicer


def _decoding_handler(service: ModelWorkerService) -> grpc.GenericRpcHandler:
    """The verbs with their requests decoded here rather than by gRPC, which answers an undecodable request
    (broken protobuf, a string that is not UTF-8) INTERNAL "Exception deserializing request!"; the contract
    promises INVALID_ARGUMENT for bad input."""
    handlers = {}
    for method in worker_pb2.DESCRIPTOR.services_by_name["ModelWorker"].methods:
        request_type = getattr(worker_pb2, method.input_type.name)
        make = grpc.unary_stream_rpc_method_handler if method.server_streaming else grpc.unary_unary_rpc_method_handler
        handlers[method.name] = make(_decoded(request_type, getattr(service, method.name)),
                                     response_serializer=lambda message: message.SerializeToString())
    return grpc.method_handlers_generic_handler(SERVICE_NAME, handlers)


def _decoded(request_type, verb):
    def handle(data: bytes, context):
        try:
            request = request_type.FromString(data)
        except DecodeError as error:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"the {request_type.__name__} cannot be decoded: {error}")
        return verb(request, context)

    return handle
