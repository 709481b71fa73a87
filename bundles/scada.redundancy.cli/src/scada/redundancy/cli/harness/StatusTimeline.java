package scada.redundancy.cli.harness;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.client.MonitorClient;

/**
 * What every server of a set said about its role and term, and when: each server's status
 * events (the monitoring subscription, pushed on every change) with the time they arrived here.
 * Only changes of role or term are kept, so a long observation stays small. For benchmarks that
 * must see a storm of role changes as it happens, not a snapshot taken once it is over.
 */
public final class StatusTimeline implements AutoCloseable {
    /** Server {@code server} reported {@code role} in {@code term}; {@code atNanos} from {@link System#nanoTime()}. */
    public record Sample(long atNanos, int server, Role role, long term) {
    }

    private final List<Sample> samples = new ArrayList<>(); // guarded by this
    private final Sample[] latest;
    private final List<Thread> followers = new ArrayList<>();
    private volatile boolean closed;

    public StatusTimeline(RedundancySet set) {
        int n = set.servers().size();
        this.latest = new Sample[n];
        for (int i = 0; i < n; i++) {
            int server = i;
            InetSocketAddress at = set.server(i).endpoint();
            MonitorClient monitor = set.monitor();
            Thread t = new Thread(() -> follow(monitor, at, server), "timeline-" + RedundancySet.symbol(i));
            t.setDaemon(true);
            followers.add(t);
            t.start();
        }
    }

    /** Follows one server for as long as the timeline is open; a lost subscription (restart, kill) is opened again. */
    private void follow(MonitorClient monitor, InetSocketAddress at, int server) {
        while (!closed) {
            CompletableFuture<String> ended = new CompletableFuture<>();
            try (AutoCloseable sub = monitor.follow(at, s -> record(server, s.role(), s.term()), ended::complete)) {
                while (!closed && !ended.isDone()) {
                    try {
                        ended.get(200, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        // still following; look at closed again
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // not reachable now: try again below
            }
            // bounded pause before following again (the server may be restarting)
            CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)).join();
        }
    }

    private synchronized void record(int server, Role role, long term) {
        Sample last = latest[server];
        if (last == null || last.role() != role || last.term() != term) {
            Sample s = new Sample(System.nanoTime(), server, role, term);
            samples.add(s);
            latest[server] = s;
        }
    }

    /** Every kept sample, oldest first. */
    public synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The highest term any server reported so far, or -1. */
    public synchronized long maxTerm() {
        long max = -1;
        for (Sample s : latest) {
            if (s != null) {
                max = Math.max(max, s.term());
            }
        }
        return max;
    }

    /**
     * What the set did between two instants, by the roles reported.
     *
     * @param twoPrimaryMs       how long two or more servers reported themselves primary at once
     * @param singleSinceNanos   when the last stretch of exactly one primary began that lasted to
     *                           {@code toNanos}, or -1 if at {@code toNanos} there was not exactly one
     * @param roleChanges        role changes seen per server (a change of role within the window)
     * @param maxTerm            the highest term reported up to {@code toNanos}
     */
    public record Window(long twoPrimaryMs, long singleSinceNanos, int[] roleChanges, long maxTerm) {
        public boolean twoPrimaries() {
            return twoPrimaryMs > 0;
        }
    }

    /** Analyses {@code [fromNanos, toNanos]}; a server not in {@code running} is not counted. */
    public Window window(long fromNanos, long toNanos, boolean[] running) {
        List<Sample> all = samples();
        int n = latest.length;
        Role[] role = new Role[n];
        int[] changes = new int[n];
        long maxTerm = -1;
        long twoPrimaryNanos = 0;
        long singleSince = -1;
        long cursor = fromNanos;
        for (Sample s : all) {
            if (s.atNanos() > toNanos) {
                break;
            }
            maxTerm = Math.max(maxTerm, s.term());
            if (s.atNanos() <= fromNanos) {
                role[s.server()] = s.role(); // the state at the window's start
                continue;
            }
            int before = primaries(role, running);
            if (before >= 2) {
                twoPrimaryNanos += s.atNanos() - cursor;
            }
            if (role[s.server()] != null && role[s.server()] != s.role()) {
                changes[s.server()]++;
            }
            role[s.server()] = s.role();
            int after = primaries(role, running);
            if (after == 1 && before != 1) {
                singleSince = s.atNanos();
            } else if (after != 1) {
                singleSince = -1;
            }
            cursor = s.atNanos();
        }
        int end = primaries(role, running);
        if (end >= 2) {
            twoPrimaryNanos += toNanos - cursor;
        }
        if (end == 1 && singleSince < 0) {
            singleSince = fromNanos; // one primary all along
        }
        return new Window(TimeUnit.NANOSECONDS.toMillis(twoPrimaryNanos), end == 1 ? singleSince : -1, changes, maxTerm);
    }

    private static int primaries(Role[] role, boolean[] running) {
        int count = 0;
        for (int i = 0; i < role.length; i++) {
            if (running[i] && role[i] == Role.PRIMARY) {
                count++;
            }
        }
        return count;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        for (Thread t : followers) {
            t.join(2000);
        }
    }
}
