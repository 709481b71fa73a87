package scada.redundancy.runtime.server.internal;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import scada.redundancy.model.Partner;
import scada.redundancy.runtime.RoleChangeCause;

/**
 * Notices that this process did not run for a while (SIGSTOP, a long pause, a starved machine):
 * a watchdog tick every (shortest) Period on the loop; a tick late by more than a Period, or
 * overdue when a silence check runs, is a stall. After a stall the server believes no silence
 * and holds no election for a short grace, so that it first reads the heartbeats its partners
 * sent meanwhile. Loop-owned.
 */
final class StallGuard {
    private final RedundancyNode node;
    private ScheduledFuture<?> tick;
    private long tickMs;
    private long lastTickNanos;
    /** Until then no silence is believed and no election held: buffered heartbeats are read first. */
    private long graceUntilNanos;
    private boolean evaluateAfterGrace;
    private final LoopLateness lateness = new LoopLateness();

    StallGuard(RedundancyNode node) {
        this.node = node;
    }

    void start() {
        stop();
        List<Partner> active = node.state().config().activePartners();
        if (active.isEmpty()) {
            return;
        }
        tickMs = Math.max(10, Math.min(1000, active.stream().mapToInt(Partner::periodMs).min().getAsInt()));
        lastTickNanos = System.nanoTime();
        tick = node.loop().scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long lateMs = TimeUnit.NANOSECONDS.toMillis(now - lastTickNanos) - tickMs;
            lastTickNanos = now;
            lateness.record(lateMs);
            if (lateMs >= tickMs && !inGrace()) {
                onStall(lateMs);
            }
        }, tickMs, tickMs, TimeUnit.MILLISECONDS);
    }

    void stop() {
        PartnerLink.cancel(tick);
        tick = null;
    }

    /**
     * How long this loop has not run beyond its watchdog tick, in ms, if that is more than a
     * tick: then this process was frozen or starved, and a silence it sees now may be its own.
     */
    long overdueMs(long now) {
        if (tickMs <= 0) {
            return 0;
        }
        long late = TimeUnit.NANOSECONDS.toMillis(now - lastTickNanos) - tickMs;
        return late >= tickMs ? late : 0;
    }

    /**
     * This process was frozen for {@code stalledMs}. Its partners may have acted on its silence,
     * and the heartbeats they sent meanwhile are waiting in its sockets: for a short grace it
     * believes no silence and holds no election, so that it reads them first. A primary whose
     * backup took over then sees the higher term and steps down at once; a primary whose backup
     * did not is still primary, with no needless flap of its role-aware services.
     */
    void onStall(long stalledMs) {
        long graceMs = Math.max(50, Math.min(tickMs, 200));
        graceUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
        node.log("this process did not run for " + stalledMs + " ms (frozen or paused); no decision for " + graceMs
                + " ms while the partners' news is read");
        node.links().heartbeatAll(); // let the partners know at once that this server runs again
        evaluateLater();
    }

    boolean inGrace() {
        return graceUntilNanos != 0 && System.nanoTime() - graceUntilNanos < 0;
    }

    /** How late the loop ran its ticks so far (the benchmark's measure of redundancy-thread stalls). */
    LoopLateness.Snapshot lateness() {
        return lateness.snapshot();
    }

    long graceLeftNanos(long now) {
        return graceUntilNanos - now;
    }

    /** Holds an election once the grace is over. */
    void evaluateLater() {
        if (evaluateAfterGrace) {
            return;
        }
        evaluateAfterGrace = true;
        node.loop().schedule(() -> {
            evaluateAfterGrace = false;
            node.election().evaluate(RoleChangeCause.ELECTION, null);
        }, Math.max(1, graceUntilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
