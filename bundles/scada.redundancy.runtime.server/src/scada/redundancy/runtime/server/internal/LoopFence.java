package scada.redundancy.runtime.server.internal;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import scada.redundancy.model.Partner;

/**
 * Fencing from inside: a primary whose redundancy loop has stopped running (blocked on output,
 * starved, a bug) sends no heartbeats, so a backup will take over after its Timeout, while the
 * role-aware services of this process, on other threads, would go on acting as primary. The
 * fence notices the silence on a thread of its own and withdraws PrimaryRole before the backup's
 * Timeout can run out.
 * <p>
 * The loop proves it runs with a tick ({@link #tick}, every quarter of the allowed silence at
 * most). The allowed silence is, over the active partners, the least of Timeout &minus; Period
 * &minus; a margin (half a Period, at least 50 ms), but at least a quarter of the Timeout: a
 * backup times out no earlier than Timeout after the last heartbeat, which left at most a Period
 * before the loop stopped; the margin is for this thread to wake and PrimaryRole to go. (The
 * quarter only matters for very short Periods; a role-aware service that takes longer than the
 * margin to stop may still overlap a backup that takes over at the earliest moment.) Without active partners (or with
 * redundancy off) no backup can take over, and the fence is unarmed.
 * <p>
 * When the loop runs again it decides as usual (the stall guard's grace, then an election). The
 * fence is lifted on the loop once the node knows whether a partner took over meanwhile: every
 * active partner has answered a heartbeat this server sent after it ran again (the answer carries
 * its current role and term, so a successor's higher term has been read and this server has
 * stepped down), or cannot answer (Fault, proven down), or a Timeout has passed since without an
 * answer (a partition: the partner's side decides as it would for any silence). A node that no
 * longer serves the plant is unfenced at once. The grace alone is not enough: under load the link
 * to a successor may still be reconnecting when it ends, and the old primary would bring
 * PrimaryRole back beside the new one until it read the higher term. So PrimaryRole follows the
 * role the node kept or took meanwhile, never a role it is about to lose. The fence thread never blocks on anything but its own wait and
 * logs only through the (never blocking) log.
 */
final class LoopFence {
    private final RoleServices roles;
    private final Consumer<String> log;
    private final Thread thread;

    /** When the loop last ran (System.nanoTime()); written by the loop, read by the fence thread. */
    private volatile long lastTickNanos;
    /** The allowed silence, or 0: unarmed. */
    private volatile long silenceLimitNanos;
    /** PrimaryRole is withdrawn by this fence; set by the fence thread, cleared by {@link #unfence}. */
    private volatile boolean fenced;
    private volatile boolean closed;

    LoopFence(RoleServices roles, Consumer<String> log, String name) {
        this.roles = roles;
        this.log = log;
        this.thread = new Thread(this::watch, "duplex-fence-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Fences the loop of {@code node}: a task on the loop ticks and lifts a fence once the node has
     * decided after a stall. Call {@link #close} when the node is shut down.
     */
    static LoopFence watch(RedundancyNode node, RoleServices roles, Consumer<String> log) {
        LoopFence fence = new LoopFence(roles, log, node.state().symbol());
        node.loop().execute(new LoopTask(node, fence)::run);
        return fence;
    }

    /**
     * The loop runs: called on the loop (or, in tests, on the thread that plays it).
     *
     * @param silenceLimitMs the silence allowed before the fence withdraws PrimaryRole; 0 unarms it
     */
    void tick(long nowNanos, long silenceLimitMs) {
        lastTickNanos = nowNanos;
        long limit = TimeUnit.MILLISECONDS.toNanos(Math.max(0, silenceLimitMs));
        if (limit != silenceLimitNanos) { // armed, or a new configuration: the fence thread waits anew
            silenceLimitNanos = limit;
            LockSupport.unpark(thread);
        }
    }

    boolean fenced() {
        return fenced;
    }

    /** Lifts the fence (if any): PrimaryRole follows the latest role again. */
    synchronized void unfence() {
        if (fenced) {
            fenced = false;
            if (roles.unfence()) {
                log.accept("the redundancy thread runs again: role-aware services follow the role again");
            }
            LockSupport.unpark(thread);
        }
    }

    /** Stops watching; a fence in force stays until the role services close. */
    void close() {
        closed = true;
        LockSupport.unpark(thread);
    }

    /** The allowed silence for the active partners, in ms, or 0 when no backup can take over. */
    static long silenceLimitMs(List<Partner> active) {
        long limit = 0;
        for (Partner p : active) {
            long own = Math.max(1, Math.max(p.timeoutMs() / 4, p.timeoutMs() - p.periodMs() - Math.max(p.periodMs() / 2, 50)));
            limit = limit == 0 ? own : Math.min(limit, own);
        }
        return limit;
    }

    /** Withdraws PrimaryRole; null when the role does not serve the plant. Never blocks for long. */
    private synchronized CompletionStage<Void> fenceNow() {
        CompletionStage<Void> withdrawn = roles.fence();
        fenced = withdrawn != null;
        return withdrawn;
    }

    /** The fence thread: waits for the allowed silence to run out after the last tick. */
    private void watch() {
        long quietTick = -1; // a tick after which nothing was withdrawn (not serving): wait for the next
        while (!closed) {
            long limit = silenceLimitNanos;
            long last = lastTickNanos;
            if (limit == 0 || fenced) {
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1)); // unparked when armed or unfenced
                continue;
            }
            long silent = System.nanoTime() - last;
            if (silent <= limit) {
                LockSupport.parkNanos(this, limit - silent + TimeUnit.MILLISECONDS.toNanos(1));
                continue;
            }
            if (last == quietTick) {
                LockSupport.parkNanos(this, limit);
                continue;
            }
            CompletionStage<Void> withdrawn = fenceNow();
            if (withdrawn == null) { // not serving the plant: nothing to stop
                quietTick = last;
                continue;
            }
            long silentMs = TimeUnit.NANOSECONDS.toMillis(silent);
            withdrawn.thenRun(() -> log.accept("the redundancy thread stalled " + silentMs
                    + " ms: role-aware services stopped (fenced) until it runs again"));
        }
    }

    /**
     * The loop's side: ticks, follows the configuration, and lifts a fence once the node has
     * decided after the stall (the stall guard's grace is over). Loop-owned.
     */
    private static final class LoopTask {
        /** How often a fenced loop looks whether its partners have answered. */
        private static final long SETTLE_CHECK_MS = 20;

        private final RedundancyNode node;
        private final LoopFence fence;
        private boolean unfencePending;
        /** When the loop ran again after the stall that fenced it (System.nanoTime()). */
        private long resumedNanos;

        LoopTask(RedundancyNode node, LoopFence fence) {
            this.node = node;
            this.fence = fence;
        }

        void run() {
            if (fence.closed) {
                return;
            }
            NodeState state = node.state();
            List<Partner> active = state.redundancyOn() ? state.config().activePartners() : List.of();
            long limitMs = silenceLimitMs(active);
            fence.tick(System.nanoTime(), limitMs);
            if (fence.fenced() && !unfencePending) {
                unfencePending = true;
                resumedNanos = System.nanoTime();
                // Heartbeats sent from now on prove to the partners that this server runs again;
                // their echoes tell us that their answer is news from after the stall.
                node.links().heartbeatAll();
                // The stall guard's tick is overdue too and runs at once; after one of its ticks
                // it has begun its grace if it counts this as a stall.
                later(this::unfenceWhenSettled, TimeUnit.MILLISECONDS.toNanos(stallTickMs(active)));
            }
            long everyMs = limitMs == 0 ? 1000 : Math.max(1, Math.min(stallTickMs(active), limitMs / 4));
            later(this::run, TimeUnit.MILLISECONDS.toNanos(everyMs));
        }

        private void unfenceWhenSettled() {
            if (fence.closed) {
                return;
            }
            StallGuard guard = node.stallGuard();
            long now = System.nanoTime();
            if (guard.inGrace()) { // the election after the grace comes first
                later(this::unfenceWhenSettled, guard.graceLeftNanos(now) + TimeUnit.MILLISECONDS.toNanos(1));
                return;
            }
            if (node.state().role().servesPlant() && !partnersAnsweredSinceResume(now)) {
                later(this::unfenceWhenSettled, TimeUnit.MILLISECONDS.toNanos(SETTLE_CHECK_MS));
                return;
            }
            unfencePending = false;
            fence.unfence();
        }

        /**
         * Every active partner answered a heartbeat sent after the loop ran again, cannot answer
         * (Fault, proven down), or stayed silent for its Timeout since.
         */
        private boolean partnersAnsweredSinceResume(long now) {
            for (PartnerLink link : node.links().all()) {
                if (!link.config.activate() || link.fault || link.provenDown) {
                    continue;
                }
                boolean answered = link.echoedOwn && link.echoedOwnNanos - resumedNanos >= 0;
                boolean silentForTimeout = now - resumedNanos >= TimeUnit.MILLISECONDS.toNanos(link.config.timeoutMs());
                if (!answered && !silentForTimeout) {
                    return false;
                }
            }
            return true;
        }

        private void later(Runnable task, long delayNanos) {
            try {
                node.loop().schedule(task, Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                fence.close(); // the loop is shut down
            }
        }

        /** The stall guard's tick (its Period, as it computes it). */
        private static long stallTickMs(List<Partner> active) {
            return active.isEmpty() ? 1000
                    : Math.max(10, Math.min(1000, active.stream().mapToInt(Partner::periodMs).min().getAsInt()));
        }
    }
}
