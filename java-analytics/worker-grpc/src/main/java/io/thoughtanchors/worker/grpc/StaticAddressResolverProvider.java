package io.thoughtanchors.worker.grpc;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * Resolves {@code ta-workers:///host1:port1,host2:port2} to one address group per worker, so that
 * gRPC's own round_robin balancer (with health checks) spreads calls over a fixed list of workers. Each group
 * carries its worker's {@code host:port} as its authority: TLS checks each worker's certificate against its own name.
 * The target carries the whole list, so the provider is stateless and registered once per process.
 */
final class StaticAddressResolverProvider extends NameResolverProvider {

    static final String SCHEME = "ta-workers";

    static {
        NameResolverRegistry.getDefaultRegistry().register(new StaticAddressResolverProvider());
    }

    /** The channel target for {@code addresses}; registers this provider on first use. */
    static String target(List<WorkerAddress> addresses) {
        return SCHEME + ":///" + addresses.stream()
                .map(a -> URLEncoder.encode(a.toString(), StandardCharsets.UTF_8))  // IPv6 brackets are not URI path characters
                .collect(Collectors.joining(","));
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!SCHEME.equals(targetUri.getScheme())) {
            return null;
        }
        List<WorkerAddress> addresses = Arrays.stream(targetUri.getRawPath().substring(1).split(","))
                .map(a -> WorkerAddress.parse(URLDecoder.decode(a, StandardCharsets.UTF_8)))
                .toList();
        return new StaticResolver(addresses, args);
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 4; // below DNS (5), so targets without a scheme still default to dns:///
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }

    private static final class StaticResolver extends NameResolver {
        private final List<WorkerAddress> addresses;
        private final Args args;
        private Listener2 listener;
        private boolean shutdown;

        StaticResolver(List<WorkerAddress> addresses, Args args) {
            this.addresses = addresses;
            this.args = args;
        }

        @Override
        public String getServiceAuthority() {
            return SCHEME;
        }

        @Override
        public void start(Listener2 listener) {
            this.listener = listener;
            resolve();
        }

        /** gRPC calls this when connections fail: host names are looked up again. */
        @Override
        public void refresh() {
            resolve();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        private void resolve() {
            // DNS lookups block, so they run off the channel's synchronization context
            Executor offload = args.getOffloadExecutor() != null ? args.getOffloadExecutor() : Runnable::run;
            offload.execute(() -> {
                List<EquivalentAddressGroup> groups = new ArrayList<>();
                List<String> failures = new ArrayList<>();
                for (WorkerAddress a : addresses) {
                    try {
                        List<SocketAddress> ips = Arrays.stream(InetAddress.getAllByName(a.host()))
                                .map(ip -> (SocketAddress) new InetSocketAddress(ip, a.port())).toList();
                        // each worker's own name is the authority its TLS certificate is checked against
                        groups.add(new EquivalentAddressGroup(ips, Attributes.newBuilder()
                                .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, a.toString()).build()));
                    } catch (UnknownHostException e) {
                        failures.add(a.toString());
                    }
                }
                args.getSynchronizationContext().execute(() -> publish(groups, failures));
            });
        }

        private void publish(List<EquivalentAddressGroup> groups, List<String> failures) {
            if (shutdown) {
                return;
            }
            if (groups.isEmpty()) {
                listener.onError(Status.UNAVAILABLE.withDescription("cannot resolve any worker host: " + failures));
            } else {
                listener.onResult2(ResolutionResult.newBuilder().setAddresses(groups).build());
            }
        }
    }
}
