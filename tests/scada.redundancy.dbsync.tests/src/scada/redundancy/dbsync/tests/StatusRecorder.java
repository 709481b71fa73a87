package scada.redundancy.dbsync.tests;

import java.util.ArrayList;
import java.util.List;

import scada.redundancy.cli.harness.ServerProcess;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.client.MonitorClient;

/**
 * Every status one server published while it was followed (its monitoring subscription), so that
 * a test can say afterwards what the operator saw during a fault: a state shown for a second is
 * not missed. Bounded: the first {@link #MAX} statuses.
 */
final class StatusRecorder implements AutoCloseable {
    static final int MAX = 20_000;
    private final List<RedundancyStatus> seen = new ArrayList<>();
    private final AutoCloseable subscription;

    StatusRecorder(MonitorClient monitor, ServerProcess server) {
        subscription = monitor.follow(server.endpoint(), s -> {
            synchronized (seen) {
                if (seen.size() < MAX) {
                    seen.add(s);
                }
            }
        }, end -> {
            // the server stopped or the test closed the subscription: what was seen stays
        });
    }

    List<RedundancyStatus> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    @Override
    public void close() throws Exception {
        subscription.close();
    }
}
