package io.thoughtanchors.worker.grpc;

import io.grpc.CallOptions;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Workers a client avoids for a while because a call to them went silent (a hung process keeps its connection and
 * its health stream open, so neither gRPC's balancer nor its health checks notice). Carried to the balancer in each
 * call's options; when every worker is avoided, calls go to them anyway.
 */
final class Quarantine {

    static final CallOptions.Key<Quarantine> KEY = CallOptions.Key.create("thought-anchors.quarantine");

    private final Map<SocketAddress, Long> until = new ConcurrentHashMap<>();

    void add(SocketAddress worker, Duration duration) {
        until.put(worker, System.nanoTime() + duration.toNanos());
    }

    boolean contains(SocketAddress worker) {
        Long end = until.get(worker);
        if (end == null) {
            return false;
        }
        if (System.nanoTime() - end > 0) {
            until.remove(worker, end);
            return false;
        }
        return true;
    }
}
