package io.thoughtanchors.worker.grpc;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** A worker's {@code host:port} ({@code [v6]:port} for IPv6 literals), checked when given, not when dialled. */
record WorkerAddress(String host, int port) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

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

    /** {@code localhost} or a loopback IP literal; decided without a DNS lookup. */
    boolean isLoopback() {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!IPV4.matcher(host).matches() && !host.contains(":")) {
            return false;  // a name: what it resolves to may change
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();  // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether a gRPC authority ({@code host:port}) names a loopback address. */
    static boolean isLoopbackAuthority(String authority) {
        try {
            return authority != null && parse(authority).isLoopback();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
