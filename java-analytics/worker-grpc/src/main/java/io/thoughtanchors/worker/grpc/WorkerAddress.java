package io.thoughtanchors.worker.grpc;

import java.net.URI;
import java.net.URISyntaxException;

/** A worker's {@code host:port} ({@code [v6]:port} for IPv6 literals), checked when given, not when dialled. */
record WorkerAddress(String host, int port) {

    static WorkerAddress parse(String address) {
        try {
            URI uri = new URI("tcp://" + address.strip());
            String host = uri.getHost();
            if (host == null || uri.getPort() < 1 || uri.getPort() > 65535 || uri.getRawPath().length() > 0) {
                throw new IllegalArgumentException("worker address must be host:port, got '" + address + "'");
            }
            // URI keeps IPv6 brackets; InetAddress wants the bare literal
            return new WorkerAddress(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, uri.getPort());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("worker address must be host:port, got '" + address + "'", e);
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
