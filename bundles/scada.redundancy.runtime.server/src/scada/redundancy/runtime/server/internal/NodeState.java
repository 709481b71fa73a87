package scada.redundancy.runtime.server.internal;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.netty.channel.EventLoop;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleChangeCause;

/**
 * What this server is: its configuration, role, term, served term and health. Owned by the
 * redundancy loop: every mutator checks that it runs there, so a stray call from another thread
 * fails loudly instead of racing.
 */
final class NodeState {
    /** A health below this is unhealthy: such a server does not take the primary role and shows Fault to its partners. */
    static final int HEALTH_THRESHOLD = 50;
    static final int ROLE_CHANGES_KEPT = 50;

    private final EventLoop loop;
    private final RedundancyNode.Listener listener;

    /** Written on the loop only; volatile so that other services may read the configuration in force. */
    private volatile RedundancyConfiguration config;
    private String setFingerprint;
    private Role role;
    private long term;
    private long servedTerm;
    /** Within the startup allowance: silence of a partner is not yet believed to mean "no primary". */
    private boolean starting;
    private long primarySinceNanos;
    private boolean stopping;
    /** Stepped down, waiting for role-aware services to stop: partners still hear "primary" until HANDOVER. */
    private boolean handingOver;
    private int health = 100;
    /** Health reports by source: weight and reason. */
    private final Map<String, Map.Entry<Integer, String>> healthReports = new LinkedHashMap<>();
    private final ArrayDeque<RoleChange> roleChanges = new ArrayDeque<>();
    /** Why the last changed configuration file was not applied, or empty. */
    private String notApplied = "";
    private CompletionStage<Void> lastRoleDispatch = CompletableFuture.completedFuture(null);

    NodeState(EventLoop loop, TermStore termStore, TermStore servedTermStore, RedundancyNode.Listener listener,
            RedundancyConfiguration config, String setFingerprint) throws IOException {
        this.loop = loop;
        this.listener = listener;
        this.config = config;
        this.setFingerprint = setFingerprint;
        this.term = termStore.read();
        this.servedTerm = Math.min(servedTermStore.read(), term);
        this.role = config.thisScada().activate() ? Role.BACKUP : Role.STANDALONE;
    }

    /** Fails when called off the loop: the state has one owner. */
    void checkLoop() {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("redundancy state touched off its loop by " + Thread.currentThread().getName());
        }
    }

    // ---- configuration ----

    RedundancyConfiguration config() {
        return config;
    }

    String symbol() {
        return config.thisScada().symbol();
    }

    String setFingerprint() {
        return setFingerprint;
    }

    void configure(RedundancyConfiguration next, String nextSetFingerprint) {
        checkLoop();
        config = next;
        setFingerprint = nextSetFingerprint;
    }

    boolean redundancyOn() {
        return config.thisScada().activate();
    }

    String notApplied() {
        return notApplied;
    }

    void notApplied(String reason) {
        checkLoop();
        notApplied = reason;
    }

    // ---- role and term ----

    Role role() {
        return role;
    }

    long term() {
        return term;
    }

    long servedTerm() {
        return servedTerm;
    }

    boolean starting() {
        return starting;
    }

    void starting(boolean value) {
        checkLoop();
        starting = value;
    }

    boolean stopping() {
        return stopping;
    }

    void stopping(boolean value) {
        checkLoop();
        stopping = value;
    }

    boolean handingOver() {
        return handingOver;
    }

    void handingOver(boolean value) {
        checkLoop();
        handingOver = value;
    }

    long primarySinceNanos() {
        return primarySinceNanos;
    }

    void primarySince(long nanos) {
        checkLoop();
        primarySinceNanos = nanos;
    }

    /** The role partners hear: a server that is handing over still says primary until HANDOVER is sent. */
    Role announcedRole() {
        return handingOver ? Role.PRIMARY : role;
    }

    /**
     * Takes a higher term in memory. Persisting it is the {@link Election}'s business, off the
     * loop: stepping down on a higher term must never wait for (or depend on) the disk.
     *
     * @return whether the term grew
     */
    boolean adoptTerm(long newTerm) {
        checkLoop();
        if (newTerm <= term) {
            return false;
        }
        term = newTerm;
        return true;
    }

    /** This server became primary in {@code newTerm} (already stored on disk). */
    void served(long newTerm) {
        checkLoop();
        adoptTerm(newTerm);
        servedTerm = newTerm;
    }

    /** Changes the role, records and logs it, and tells the role-aware services (off the loop). */
    RoleChange changeRole(Role to, RoleChangeCause cause, String peer, long lastHeartbeatMillis, long detectedMillis,
            long failoverMs, String detail) {
        checkLoop();
        Role from = role;
        role = to;
        long nowMillis = System.currentTimeMillis();
        RoleChange change = new RoleChange(nowMillis, from, to, term, cause, peer, lastHeartbeatMillis, detectedMillis,
                to == Role.PRIMARY ? nowMillis : -1, failoverMs, detail);
        roleChanges.addLast(change);
        while (roleChanges.size() > ROLE_CHANGES_KEPT) {
            roleChanges.removeFirst();
        }
        listener.log(symbol() + " " + change.toLogLine());
        lastRoleDispatch = listener.roleChanged(change, to, term);
        return change;
    }

    /** Completes once the role-aware services followed the last role change. */
    CompletionStage<Void> lastRoleDispatch() {
        return lastRoleDispatch;
    }

    List<RoleChange> roleChanges() {
        return List.copyOf(roleChanges);
    }

    // ---- health ----

    int health() {
        return health;
    }

    boolean healthy() {
        return health >= HEALTH_THRESHOLD;
    }

    /** @return the health before the report */
    int report(String source, int weight, String reason) {
        checkLoop();
        if (weight <= 0) {
            healthReports.remove(source);
        } else {
            healthReports.put(source, Map.entry(Math.min(100, weight), reason == null ? "" : reason));
        }
        int before = health;
        health = Math.max(0, 100 - healthReports.values().stream().mapToInt(Map.Entry::getKey).sum());
        return before;
    }

    boolean hasHealthReports() {
        return !healthReports.isEmpty();
    }

    String healthText() {
        StringBuilder b = new StringBuilder();
        healthReports.forEach((source, e) -> b.append(b.length() == 0 ? "" : "; ").append(source).append(" (weight ")
                .append(e.getKey()).append(e.getValue().isEmpty() ? "" : ": " + e.getValue()).append(')'));
        return b.toString();
    }
}
