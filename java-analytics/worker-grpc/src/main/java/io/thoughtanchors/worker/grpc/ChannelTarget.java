package io.thoughtanchors.worker.grpc;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * What a client connects to: a fixed list of {@code host:port} workers, or one {@code dns:///host:port} name whose
 * every address is a worker (a Kubernetes headless Service), re-resolved when connections drop.
 *
 * @param uri          the gRPC channel target
 * @param description  for messages: "the worker at a:1,b:2" or "the workers at dns:///svc:50051"
 * @param loopbackOnly every worker is on this machine (decided without DNS)
 */
record ChannelTarget(String uri, String description, boolean loopbackOnly) {

    static ChannelTarget parse(List<String> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no worker address given");
        }
        List<String> dns = targets.stream().filter(t -> t.strip().toLowerCase(Locale.ROOT).startsWith("dns:")).toList();
        if (!dns.isEmpty()) {
            if (targets.size() > 1) {
                throw new IllegalArgumentException("a dns: target names its workers itself and stands alone, got "
                        + String.join(",", targets));
            }
            return dns(dns.get(0).strip());
        }
        List<WorkerAddress> addresses = targets.stream().map(WorkerAddress::parse).toList();
        return new ChannelTarget(StaticAddressResolverProvider.target(addresses),
                "the worker at " + String.join(",", addresses.stream().map(WorkerAddress::toString).toList()),
                addresses.stream().allMatch(WorkerAddress::isLoopback));
    }

    /** {@code dns:///host:port}: no DNS server authority (gRPC Java ignores it), and an explicit port (gRPC's default is 443). */
    private static ChannelTarget dns(String target) {
        String usage = "a dns target must be dns:///HOST:PORT, got '" + target + "'";
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(usage, e);
        }
        if (uri.getRawAuthority() != null || uri.getRawPath() == null || !uri.getRawPath().startsWith("/")) {
            throw new IllegalArgumentException(usage);
        }
        WorkerAddress address;
        try {
            address = WorkerAddress.parse(uri.getRawPath().substring(1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(usage, e);
        }
        return new ChannelTarget("dns:///" + address, "the workers at dns:///" + address, address.isLoopback());
    }
}
