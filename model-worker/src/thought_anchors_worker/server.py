"""A gRPC server around one model backend, with health checking, reflection and the security it was given;
and the plaintext health-only listener that probes which cannot speak TLS use."""

from __future__ import annotations

import socket
from concurrent import futures

import grpc
from google.protobuf.message import DecodeError
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from thought_anchors.worker.v1 import worker_pb2

from .backend import Backend
from .security import Security
from .service import ModelWorkerService
from .validation import Limits, max_request_bytes

SERVICE_NAME = worker_pb2.DESCRIPTOR.services_by_name["ModelWorker"].full_name
HEALTH_SERVICE_NAME = health_pb2.DESCRIPTOR.services_by_name["Health"].full_name
# Threads beyond the admitted calls' (max_waiting + 1): Describe, health checks, reflection and busy refusals
# never wait for an admitted call; gRPC refuses calls beyond the pool RESOURCE_EXHAUSTED itself.
_SPARE_THREADS = 16
# Connection upkeep: clients may ping every 10 s while a call waits for the model (their keepalive, which
# notices a stopped or unreachable worker); the worker pings idle clients every minute to notice vanished ones.
_CONNECTION_OPTIONS = [("grpc.http2.min_ping_interval_without_data_ms", 10_000),
                       ("grpc.keepalive_time_ms", 60_000), ("grpc.keepalive_timeout_ms", 20_000)]


def build_server(backend: Backend, address: str, limits: Limits, max_waiting: int = 8,
                 security: Security = Security(), *, reflection_on: bool = True,
                 max_connection_age: float | None = None):
    """Returns (server, bound port, health servicer); the server is not started.

    `security`: TLS (and client certificates) on the port, bearer tokens on every call but health checks.
    `max_connection_age` (seconds): connections are closed (GOAWAY) after about this long, so clients
    reconnect and re-resolve their target; calls in flight finish on the old connection, however long
    they take (no grace limit)."""
    threads = max_waiting + 1 + _SPARE_THREADS
    options = [("grpc.max_receive_message_length", max_request_bytes(backend.describe())),
               ("grpc.max_send_message_length", max(limits.max_chunk_bytes, 4 << 20) + (1 << 20)),
               *_CONNECTION_OPTIONS]
    if max_connection_age is not None:
        options.append(("grpc.max_connection_age_ms", int(max_connection_age * 1000)))
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="grpc"),
                         interceptors=security.interceptors(), options=options, maximum_concurrent_rpcs=threads)
    service = ModelWorkerService(backend, limits, max_waiting)
    server.add_generic_rpc_handlers((_decoding_handler(service),))
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ("", SERVICE_NAME):
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    if reflection_on:
        reflection.enable_server_reflection((SERVICE_NAME, HEALTH_SERVICE_NAME, reflection.SERVICE_NAME), server)
    port = _bind(server, address, security.server_credentials() if security.tls else None)
    service.name = f"{socket.gethostname()}:{port}"
    return server, port, health_servicer


def build_health_server(health_servicer: health.HealthServicer, address: str):
    """A plaintext listener serving grpc.health.v1 and nothing else (no verbs, no reflection), for probes that
    cannot speak TLS (the kubelet's gRPC probes). It shares the main server's health servicer, so a draining
    worker reports NOT_SERVING on both. Returns (server, bound port); not started."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="health"),
                         options=_CONNECTION_OPTIONS, maximum_concurrent_rpcs=16)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    return server, _bind(server, address, None)


def _bind(server: grpc.Server, address: str, credentials: grpc.ServerCredentials | None) -> int:
    port = server.add_secure_port(address, credentials) if credentials else server.add_insecure_port(address)
    if port == 0:
        raise OSError(f"cannot bind {address}")
    return port


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
