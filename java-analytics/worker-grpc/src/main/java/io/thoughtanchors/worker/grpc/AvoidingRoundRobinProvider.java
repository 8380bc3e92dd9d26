package io.thoughtanchors.worker.grpc;

import io.grpc.Attributes;
import io.grpc.ConnectivityState;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.NameResolver;
import io.grpc.util.ForwardingLoadBalancerHelper;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;

/**
 * gRPC's own round_robin (with its health checks), whose picks skip the workers in a call's {@link Quarantine}:
 * a pass retried after a worker went silent goes to another worker. Registered once per process, like the
 * static-address resolver.
 */
final class AvoidingRoundRobinProvider extends LoadBalancerProvider {

    static final String POLICY = "thought_anchors_round_robin";
    /** Re-picks per call: round_robin's picker walks the ready workers in turn, so this covers that many. */
    private static final int MAX_REPICKS = 32;
    private static final Attributes.Key<List<SocketAddress>> ADDRESSES =
            Attributes.Key.create("thought-anchors.subchannel-addresses");

    static {
        LoadBalancerRegistry.getDefaultRegistry().register(new AvoidingRoundRobinProvider());
    }

    /** The policy name for a service config; registers this provider on first use. */
    static String policy() {
        return POLICY;
    }

    private static LoadBalancerProvider roundRobin() {
        return LoadBalancerRegistry.getDefaultRegistry().getProvider("round_robin");
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public int getPriority() {
        return 5;
    }

    @Override
    public String getPolicyName() {
        return POLICY;
    }

    @Override
    public NameResolver.ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
        return roundRobin().parseLoadBalancingPolicyConfig(rawConfig);
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
        return roundRobin().newLoadBalancer(new ForwardingLoadBalancerHelper() {
            @Override
            protected LoadBalancer.Helper delegate() {
                return helper;
            }

            /** Pickers run on any thread, where a subchannel's addresses cannot be read: keep them in its attributes. */
            @Override
            public LoadBalancer.Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
                List<SocketAddress> addresses = args.getAddresses().stream()
                        .flatMap(g -> g.getAddresses().stream()).toList();
                return helper.createSubchannel(args.toBuilder().setAttributes(args.getAttributes().toBuilder()
                        .set(ADDRESSES, addresses).build()).build());
            }

            @Override
            public void updateBalancingState(ConnectivityState state, LoadBalancer.SubchannelPicker picker) {
                helper.updateBalancingState(state, new AvoidingPicker(picker));
            }
        });
    }

    private static final class AvoidingPicker extends LoadBalancer.SubchannelPicker {
        private final LoadBalancer.SubchannelPicker delegate;

        AvoidingPicker(LoadBalancer.SubchannelPicker delegate) {
            this.delegate = delegate;
        }

        @Override
        public LoadBalancer.PickResult pickSubchannel(LoadBalancer.PickSubchannelArgs args) {
            Quarantine quarantine = args.getCallOptions().getOption(Quarantine.KEY);
            LoadBalancer.PickResult pick = delegate.pickSubchannel(args);
            for (int i = 0; quarantine != null && i < MAX_REPICKS && avoided(pick, quarantine); i++) {
                pick = delegate.pickSubchannel(args);
            }
            return pick;  // still avoided: every worker is, so use it anyway
        }

        private static boolean avoided(LoadBalancer.PickResult pick, Quarantine quarantine) {
            if (pick.getSubchannel() == null) {
                return false;
            }
            List<SocketAddress> addresses = pick.getSubchannel().getAttributes().get(ADDRESSES);
            return addresses != null && addresses.stream().anyMatch(quarantine::contains);
        }

        @Override
        public String toString() {
            return "AvoidingPicker(" + delegate + ")";
        }
    }
}
