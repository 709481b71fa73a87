package scada.redundancy.runtime.server.internal;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import scada.redundancy.model.Failback;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChangeCause;
import scada.redundancy.runtime.link.LinkProtocol.FailbackRequest;
import scada.redundancy.runtime.link.LinkProtocol.Handover;
import scada.redundancy.runtime.link.Frame;
import scada.redundancy.runtime.link.FrameType;
import scada.redundancy.runtime.link.Heartbeat;
import scada.redundancy.runtime.link.LinkChannels;
import scada.redundancy.runtime.link.LinkProtocol;
import scada.redundancy.runtime.link.ProtocolException;

/**
 * Who is primary: the election after a silence or a refused reconnect, terms, the same-term
 * rule, hand-over and fail-back, and what health does to the role. Loop-owned. The rules are
 * those of the README ("How the runtime decides"); in short:
 * <ul>
 * <li><b>Claim.</b> A backup claims the role only when no live partner is primary, no live
 * partner hears a live primary (a server never supports a claimant while it hears one: this is
 * what keeps a primary that one backup lost sight of, with a link cut between two of three
 * servers), it has a majority of the set on its side, and no live healthy backup ranks first.</li>
 * <li><b>Majority.</b> The set is this server and its activated partners, less those proven down
 * (their host refused a connection: nothing listens there). More than half of it, or exactly half
 * holding the first Symbol of the set, is a majority. A set of two (or reduced to two) needs no
 * majority: silence means takeover, as only a third party can tell a dead partner from a cut
 * cable.</li>
 * <li><b>Check-quorum.</b> A primary of a set of three or more that no longer hears a majority
 * (its partners silent for their Timeout, the same Timeout after which the majority elects)
 * steps down: at most one Period of overlap, never a lasting second primary.</li>
 * <li><b>Terms.</b> A higher term is taken at once, in memory: a primary steps down without
 * waiting for the disk. A claim is stored (off the loop) before it takes effect; a server that
 * cannot store its term lowers its health below the threshold, shows Fault and is elected
 * around.</li>
 * <li><b>Same term.</b> Two primaries of one term: the one whose Symbol sorts later steps down,
 * a rule both evaluate identically.</li>
 * </ul>
 */
final class Election {
    /** The health source a failing term store reports under. */
    static final String DISK_SOURCE = "term-store";
    /** A term more than this above ours is not believed: a buggy or hostile peer, not an election. */
    static final long MAX_TERM_JUMP = 1_000_000_000L;
    /** How often a server whose term store failed tries it again. */
    static final int DISK_RETRY_MS = 5000;
    /** A graceful stop waits this long for the successor to announce itself primary. */
    static final int HANDOVER_WAIT_MS = 1000;
    /** The longest a hand-over waits for this server's role-aware services to stop. */
    static final int ROLE_DISPATCH_LIMIT_MS = 5000;

    private final RedundancyNode node;
    private final NodeState state;
    /** A HANDOVER named another server: no election of our own until it claims or its Timeout passes. */
    private String awaitedSuccessor;
    private long awaitedUntilNanos;
    private final TermDisk disk;
    /** A claim is being stored: no second one meanwhile. */
    private boolean claiming;
    private boolean diskFailed;
    /** Why the last evaluation did not claim, to log each new reason once. */
    private String lastHeldBack = "";
    /** An operator moved the role away from this preferred server: no automatic fail-back until it serves again. */
    private boolean failbackSuspended;
    private ScheduledFuture<?> quorumTick;
    /** How long the last claim's term took to reach the disk (shown in the role change: a slow disk delays failovers). */
    private long storeMs;
    /**
     * The primary this server lost last and how, until a primary is heard again: a claim that had
     * to wait (for a partner that still heard it, or for the disk) is still recorded as that
     * failover, counted from its last sign of life.
     */
    private PartnerLink lostPrimary;
    private RoleChangeCause lostCause;

    Election(RedundancyNode node, TermDisk disk) {
        this.node = node;
        this.state = node.state();
        this.disk = disk;
    }

    /** Starts the primary's check of its majority (every shortest Period). */
    void start() {
        stop();
        int period = state.config().activePartners().stream().mapToInt(p -> p.periodMs()).min().orElse(0);
        if (period > 0) {
            quorumTick = node.loop().scheduleAtFixedRate(this::checkQuorum, period, period, TimeUnit.MILLISECONDS);
        }
    }

    void stop() {
        PartnerLink.cancel(quorumTick);
        quorumTick = null;
    }

    void close() {
        stop();
        disk.close();
    }

    private PartnerLinks links() {
        return node.links();
    }

    // ---- deciding ----

    /**
     * Decides whether this backup takes the primary role now. It does when no live partner is
     * primary, the startup allowance is over (or every activated partner has answered), and no
     * live healthy backup ranks before it.
     */
    void evaluate(RoleChangeCause cause, PartnerLink lost) {
        if (state.role() != Role.BACKUP || state.stopping() || !state.redundancyOn()) {
            return;
        }
        PartnerLink lostPrimary = lost != null ? lost : this.lostPrimary;
        if (lost == null && lostPrimary != null && cause == RoleChangeCause.ELECTION) {
            cause = lostCause;
        }
        if (node.stallGuard().inGrace()) {
            node.stallGuard().evaluateLater();
            return;
        }
        if (claiming) {
            return;
        }
        if (links().all().stream().anyMatch(l -> l.alive && l.reportedRole == Role.PRIMARY)) {
            this.lostPrimary = null;
            return;
        }
        if (awaitedSuccessor != null) {
            PartnerLink successor = links().get(awaitedSuccessor);
            if (successor != null && successor.alive && System.nanoTime() - awaitedUntilNanos < 0) {
                return; // the primary named its successor: let it take the role
            }
            awaitedSuccessor = null;
        }
        if (state.starting() && !links().all().stream().filter(l -> l.config.activate()).allMatch(l -> l.alive)) {
            return; // wait for the allowance: a running primary may still answer
        }
        if (!state.healthy()) {
            return;
        }
        PartnerLink witness = links().all().stream().filter(l -> l.alive && l.reportedSeesPrimary).findFirst().orElse(null);
        if (witness != null) {
            heldBack(witness.config.symbol() + " still hears a live primary: no claim while it does");
            return;
        }
        Sight sight = sight();
        if (!sight.majority()) {
            heldBack("no majority of the set in sight (" + sight + "): no claim, two primaries are worse");
            return;
        }
        PartnerLink better = links().all().stream().filter(l -> l.alive && !l.fault && l.reportedRole == Role.BACKUP)
                .filter(l -> ranksBefore(l.reportedHealth, l.reportedServedTerm, l.config.symbol(), state.health(),
                        state.servedTerm(), state.symbol()))
                .findFirst().orElse(null);
        if (better != null) {
            return; // it will claim; if it cannot, its silence will bring us back here
        }
        RoleChangeCause why = state.starting() || lostPrimary == null && cause == RoleChangeCause.STARTUP_ELECTION
                ? RoleChangeCause.STARTUP_ELECTION : cause;
        lastHeldBack = "";
        claim(nextTerm(), why, lostPrimary);
    }

    private void heldBack(String why) {
        if (!why.equals(lastHeldBack)) {
            lastHeldBack = why;
            node.log("stays backup: " + why);
        }
    }

    // ---- the majority ----

    /**
     * What this server sees of the set: the servers that count (this one and its activated
     * partners not proven down), how many of them are in sight (alive), and whether the one whose
     * Symbol sorts first is.
     */
    private record Sight(int size, int inSight, boolean firstInSight) {
        /** See the class comment; a set of two needs no majority. */
        boolean majority() {
            return size <= 2 || 2 * inSight > size || 2 * inSight == size && firstInSight;
        }

        @Override
        public String toString() {
            return inSight + " of " + size + " servers";
        }
    }

    private Sight sight() {
        int size = 1;
        int inSight = 1;
        String first = state.symbol();
        boolean firstInSight = true;
        for (PartnerLink l : links().all()) {
            if (!l.config.activate() || l.provenDown) {
                continue;
            }
            size++;
            if (l.alive) {
                inSight++;
            }
            if (ranksBefore(100, 0, l.config.symbol(), 100, 0, first)) {
                first = l.config.symbol();
                firstInSight = l.alive;
            }
        }
        return new Sight(size, inSight, firstInSight);
    }

    /**
     * Every Period, and whenever a partner is lost: a primary that hears no majority (its partners
     * silent for their Timeout, as the others measure it) steps down, so that the majority, which
     * elects at the same Timeout, has the only primary.
     */
    private void checkQuorum() {
        if (state.role() != Role.PRIMARY || state.handingOver() || node.stallGuard().inGrace()) {
            return;
        }
        Sight sight = sight();
        if (!sight.majority()) {
            stepDown(RoleChangeCause.NO_MAJORITY, null, "heard no majority of the set for a Timeout (" + sight
                    + "): an isolated primary steps down so that the majority can elect one");
        }
    }

    /** Whether this server hears a live primary other than {@code except} (said in every heartbeat). */
    boolean seesLivePrimaryOtherThan(PartnerLink except) {
        for (PartnerLink l : links().all()) {
            if (l != except && l.alive && l.reportedRole == Role.PRIMARY) {
                return true;
            }
        }
        return false;
    }

    /**
     * The rank of two servers that are both backups: the healthier first, then the one that was
     * primary most recently (the higher served term: it holds the most recent history), then the
     * one whose Symbol sorts first (ignoring case). Every server evaluates the same rule from the
     * same heartbeats, so they agree without a global list.
     */
    static boolean ranksBefore(int healthA, long servedA, String symbolA, int healthB, long servedB, String symbolB) {
        if (healthA != healthB) {
            return healthA > healthB;
        }
        if (servedA != servedB) {
            return servedA > servedB;
        }
        int bySymbol = symbolA.toLowerCase(Locale.ROOT).compareTo(symbolB.toLowerCase(Locale.ROOT));
        return bySymbol != 0 ? bySymbol < 0 : symbolA.compareTo(symbolB) < 0;
    }

    private long nextTerm() {
        long highest = state.term();
        for (PartnerLink l : links().all()) {
            highest = Math.max(highest, l.reportedTerm);
        }
        return highest + 1;
    }

    /** Stores the new term (off the loop), then takes the role if nothing changed meanwhile. */
    private void claim(long newTerm, RoleChangeCause cause, PartnerLink lostPrimary) {
        if (claiming) {
            return;
        }
        claiming = true;
        long termBefore = state.term();
        long writeStarted = System.nanoTime();
        disk.writeTerm(newTerm).whenComplete((v, failure) -> {
            claiming = false;
            storeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writeStarted);
            if (failure != null) {
                diskFailed(newTerm, failure);
                return;
            }
            diskWorks();
            if (state.role() != Role.BACKUP || state.stopping() || state.term() != termBefore
                    || links().all().stream().anyMatch(l -> l.alive && l.reportedRole == Role.PRIMARY)) {
                evaluate(RoleChangeCause.ELECTION, null); // the world moved while the disk wrote: decide again
                return;
            }
            becomePrimary(newTerm, cause, lostPrimary);
        });
    }

    private void becomePrimary(long newTerm, RoleChangeCause cause, PartnerLink lostPrimary) {
        String peer = lostPrimary == null ? "" : lostPrimary.config.symbol();
        String detail = switch (cause) {
            case TIMEOUT -> lostPrimary == null ? "no live primary and this server ranks first among the live backups"
                    : "no heartbeat from " + peer + " for " + lostPrimary.config.timeoutMs() + " ms (Timeout)";
            case CONNECTION_REFUSED -> "the link to " + peer + " was reset and its host refused the reconnect: its process is gone";
            case GRACEFUL_HANDOVER -> peer + " handed the primary role over";
            case STARTUP_ELECTION -> "no primary answered within the startup allowance; this server ranks first";
            case ELECTION -> "no live server is primary and this server ranks first among the live backups";
            case FAILBACK -> "automatic fail-back: this server is the preferred primary";
            default -> "this server ranks first among the live backups";
        };
        state.served(newTerm);
        disk.writeServed(newTerm).whenComplete((v, failure) -> {
            if (failure != null && !state.stopping()) {
                node.log("cannot store the served term " + newTerm + ": " + LinkChannels.describe(failure)
                        + " (only the rank after a restart of the whole set depends on it)");
            }
        });
        this.lostPrimary = null;
        failbackSuspended = false;
        for (PartnerLink l : links().all()) {
            l.failbackRequested = false;
        }
        long now = System.nanoTime();
        state.primarySince(now);
        state.starting(false);
        // From its last sign of life: its last frame; for a crash proven by a refused reconnect, the
        // reset of its link (the moment it died). A Timeout counts from the last frame, and so does its record.
        long lastContactNanos = lostPrimary == null ? -1
                : cause == RoleChangeCause.CONNECTION_REFUSED && lostPrimary.resetNanos > lostPrimary.lastContactNanos
                        ? lostPrimary.resetNanos : lostPrimary.lastContactNanos;
        long failoverMs = lastContactNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(now - lastContactNanos);
        changeRole(Role.PRIMARY, cause, peer, lostPrimary == null ? -1 : lostPrimary.lastHeartbeatMillis,
                lostPrimary == null ? -1 : lostPrimary.lostDetectedMillis, failoverMs,
                detail + " (term " + newTerm + " stored in " + storeMs + " ms)");
        links().heartbeatAll(); // tell everyone at once, not a Period later
    }

    void stepDown(RoleChangeCause cause, PartnerLink peer, String detail) {
        state.primarySince(0);
        changeRole(Role.BACKUP, cause, peer == null ? "" : peer.config.symbol(), -1, -1, -1, detail);
        if (cause != RoleChangeCause.HANDED_OVER) {
            // Tell everyone at once. On a hand-over the HANDOVER frame must come first, or a backup
            // would read "no primary" and start an election of its own.
            links().heartbeatAll();
        }
    }

    /** A higher term heard from a partner: taken at once in memory, stored off the loop. */
    private void adopt(long newTerm) {
        if (state.adoptTerm(newTerm)) {
            disk.writeTerm(newTerm).whenComplete((v, failure) -> {
                if (failure != null) {
                    diskFailed(newTerm, failure);
                } else {
                    diskWorks();
                }
            });
        }
    }

    /**
     * The term store failed: this server cannot promise never to reuse a term, so it must not
     * serve. Its health drops below the threshold (a backup shows Fault, partners elect around
     * it); the store is tried again every few seconds.
     */
    private void diskFailed(long term, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (state.stopping()) {
            return; // the writer stopped with the node
        }
        if (!diskFailed) {
            diskFailed = true;
            node.log("ERROR cannot store term " + term + " in " + node.settings().dataDir() + ": " + LinkChannels.describe(cause)
                    + "; this server shows Fault and is not elected until it can (check the disk: full, read-only?)");
            node.reportHealth(DISK_SOURCE, 100, "cannot store its term in " + node.settings().dataDir() + ": "
                    + LinkChannels.describe(cause));
            node.loop().schedule(this::retryDisk, DISK_RETRY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void retryDisk() {
        if (!diskFailed || state.stopping()) {
            return;
        }
        long term = state.term();
        disk.writeTerm(term).whenComplete((v, failure) -> {
            if (failure == null) {
                diskWorks();
            } else {
                node.loop().schedule(this::retryDisk, DISK_RETRY_MS, TimeUnit.MILLISECONDS);
            }
        });
    }

    private void diskWorks() {
        if (diskFailed) {
            diskFailed = false;
            node.log("the term store works again");
            node.reportHealth(DISK_SOURCE, 0, "");
        }
    }

    void changeRole(Role to, RoleChangeCause cause, String peer, long lastHeartbeatMillis, long detectedMillis,
            long failoverMs, String detail) {
        state.changeRole(to, cause, peer, lastHeartbeatMillis, detectedMillis, failoverMs, detail);
        node.board().changed();
    }

    // ---- news from the links ----

    /**
     * Refuses a term that no election could have produced: beyond {@link Heartbeat#MAX_TERM}, or
     * more than {@link #MAX_TERM_JUMP} above this server's own (a buggy or hostile peer; a real
     * set counts its elections, it does not leap).
     */
    void checkPlausible(long term, String what) throws ProtocolException {
        if (term < 0 || term > Heartbeat.MAX_TERM || term > state.term() + MAX_TERM_JUMP) {
            throw new ProtocolException(what + " with term " + term + ", implausible next to this server's term "
                    + state.term() + " (a buggy or hostile peer)");
        }
    }

    void onHeartbeat(PartnerLink link, Heartbeat hb) throws ProtocolException {
        checkPlausible(hb.term(), "heartbeat");
        long now = System.nanoTime();
        boolean cameBack = !link.alive;
        link.heard(hb, now);
        if (cameBack) {
            node.log("hearing " + link.config.symbol() + " (" + hb.role().jsonName() + ", term " + hb.term() + ")");
        }
        if (hb.health() < NodeState.HEALTH_THRESHOLD) {
            link.setFault("it reports itself unhealthy (health " + hb.health() + ")", false);
        } else if (link.faultFromHealth) {
            link.clearFault();
        }
        if (hb.term() > state.term()) {
            adopt(hb.term());
            if (state.role() == Role.PRIMARY) {
                stepDown(RoleChangeCause.HIGHER_TERM, link, link.config.symbol() + " is primary in the higher term "
                        + hb.term() + "; this server stepped down at once");
            } else {
                links().heartbeatAll(); // everyone learns the term now, not a Period later
            }
        }
        if (hb.term() < state.term() || hb.role() == Role.PRIMARY && state.role() == Role.PRIMARY) {
            link.sendHeartbeat(); // it is behind: it learns our term and role now, over whichever connection is up
        }
        if (hb.role() == Role.PRIMARY) {
            if (state.role() == Role.PRIMARY && hb.term() == state.term()) {
                // Both sides evaluate the same rule from the same two Symbols: exactly one stays.
                if (ranksBefore(100, 0, link.config.symbol(), 100, 0, state.symbol())) {
                    stepDown(RoleChangeCause.DUAL_PRIMARY_RESOLVED, link, "two primaries in term " + state.term() + ": "
                            + link.config.symbol() + " sorts first by Symbol and stays; this server stepped down");
                }
            } else if (state.role() == Role.BACKUP && state.starting()) {
                state.starting(false);
                node.allowanceOverEarly();
                changeRole(Role.BACKUP, RoleChangeCause.JOINED_AS_BACKUP, link.config.symbol(), -1, -1, -1,
                        link.config.symbol() + " is primary (term " + hb.term() + "); this server joins as backup");
            }
            if (link.handoverAck != null) {
                link.handoverAck.complete(null);
                link.handoverAck = null;
            }
        }
        if (hb.role() == Role.PRIMARY && state.role() == Role.BACKUP) {
            considerFailback(link);
        } else if (hb.role() != Role.PRIMARY) {
            link.failbackRequested = false; // a later fail-back may ask again
        }
        if (state.role() == Role.PRIMARY && !state.healthy() && !state.handingOver() && bestSuccessor(link) != null) {
            node.log("unhealthy (health " + state.health() + ") and " + link.config.symbol()
                    + " can take over: handing the role over");
            handOverNow(link, HANDOVER_WAIT_MS);
        }
        if (cameBack) {
            node.board().changed();
        }
        evaluate(RoleChangeCause.ELECTION, null);
    }

    /** The partner fell silent for Timeout ms, or its host refused a reconnect. */
    void onPartnerLost(PartnerLink link, RoleChangeCause cause, String why) {
        if (!link.alive) {
            return;
        }
        boolean wasPrimary = link.reportedRole == Role.PRIMARY;
        link.alive = false;
        if (cause == RoleChangeCause.TIMEOUT) {
            link.abandonConnections();
        }
        link.updateSendable();
        link.lostDetectedMillis = System.currentTimeMillis();
        node.log("lost " + link.config.symbol() + (wasPrimary ? " (the primary)" : "") + ": " + why);
        node.board().changed();
        if (wasPrimary) {
            lostPrimary = link;
            lostCause = cause;
            links().heartbeatAll(); // the others learn at once that this server no longer hears a primary
        }
        checkQuorum();
        if (wasPrimary) {
            evaluate(cause, link);
        } else {
            evaluate(RoleChangeCause.ELECTION, null);
        }
    }

    void onHandover(PartnerLink from, Handover h) throws ProtocolException {
        checkPlausible(h.term(), "HANDOVER");
        from.contact(System.nanoTime());
        if (h.term() > state.term() && PartnerLinks.key(h.successor()).equals(PartnerLinks.key(state.symbol()))) {
            if (state.role() == Role.BACKUP) {
                from.reportedRole = Role.BACKUP; // it stepped down and leaves the role to us
                from.lostDetectedMillis = System.currentTimeMillis();
                claim(h.term(), RoleChangeCause.GRACEFUL_HANDOVER, from);
            }
        } else if (from.reportedRole == Role.PRIMARY && h.term() > state.term()) {
            // A stale HANDOVER (for a term already passed, or naming a successor that is gone) changes nothing.
            PartnerLink successor = links().get(h.successor());
            if (successor != null && successor.alive) {
                from.reportedRole = Role.BACKUP; // the successor's heartbeat follows at once
                awaitSuccessor(successor);
            }
        }
    }

    void onFailbackRequest(PartnerLink from) {
        if (state.role() != Role.PRIMARY) {
            return;
        }
        if (state.config().thisScada().failback() == Failback.AUTOMATIC) {
            node.log("refused a fail-back request from " + from.config.symbol()
                    + ": this server is itself set to automatic fail-back (set only the preferred primary to automatic)");
            return;
        }
        if (bestSuccessor(from) == null) {
            node.log("refused a fail-back request from " + from.config.symbol() + ": it is not a connected, healthy backup");
            return;
        }
        node.log("fail-back: handing the primary role back to " + from.config.symbol());
        handOverNow(from, HANDOVER_WAIT_MS);
    }

    private void considerFailback(PartnerLink link) {
        if (state.config().thisScada().failback() == Failback.AUTOMATIC && !failbackSuspended && !link.failbackRequested
                && link.outboundReady
                && link.failbackTimer == null && state.healthy()) {
            link.failbackTimer = node.loop().schedule(() -> {
                link.failbackTimer = null;
                if (state.role() == Role.BACKUP && link.alive && link.reportedRole == Role.PRIMARY && link.outboundReady
                        && !link.failbackRequested) {
                    link.failbackRequested = true;
                    node.log("automatic fail-back: asking " + link.config.symbol() + " to hand the primary role back");
                    link.send(new Frame(FrameType.FAILBACK_REQUEST,
                            LinkProtocol.toJson(new FailbackRequest(state.symbol()))));
                }
            }, link.config.timeoutMs(), TimeUnit.MILLISECONDS);
        }
    }

    // ---- hand-over ----

    /**
     * The backup to hand over to (or {@code wanted} if it qualifies): the first live, healthy,
     * connected backup in this server's partner order — the order of the Partners table is the
     * failover priority of a hand-over.
     */
    PartnerLink bestSuccessor(PartnerLink wanted) {
        List<PartnerLink> candidates = links().all().stream() // the configuration's order
                .filter(l -> l.alive && !l.fault && l.outboundReady && l.reportedHealth >= NodeState.HEALTH_THRESHOLD
                        && l.reportedRole == Role.BACKUP)
                .toList();
        if (wanted != null) {
            return candidates.contains(wanted) ? wanted : null;
        }
        return candidates.isEmpty() ? null : candidates.get(0);
    }

    /**
     * Hands the role over: steps down first (so the plant never has two primaries), then tells
     * every partner who the successor is and waits (bounded) for the successor's heartbeat as
     * primary.
     */
    CompletableFuture<Void> handOverNow(PartnerLink successor, int waitMs) {
        PartnerLink to = successor != null ? successor : bestSuccessor(null);
        if (to == null || state.role() != Role.PRIMARY) {
            return CompletableFuture.completedFuture(null);
        }
        long newTerm = state.term() + 1;
        state.handingOver(true);
        awaitSuccessor(to);
        stepDown(RoleChangeCause.HANDED_OVER, to, "handed the primary role over to " + to.config.symbol());
        Handover message = new Handover(newTerm, state.symbol(), to.config.symbol());
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        to.handoverAck = acknowledged;
        // Only once this server's role-aware services have stopped does the successor hear it may
        // start its own: the plant never has two primaries, even for a moment.
        state.lastRoleDispatch().toCompletableFuture().orTimeout(ROLE_DISPATCH_LIMIT_MS, TimeUnit.MILLISECONDS)
                .whenComplete((v, slow) -> node.loop().execute(() -> {
                    if (slow != null) {
                        node.log("role-aware services took over " + ROLE_DISPATCH_LIMIT_MS + " ms to stop; handing over anyway");
                    }
                    state.handingOver(false);
                    sendHandover(message, to, acknowledged);
                }));
        ScheduledFuture<?> limit = node.loop().schedule(() -> acknowledged.completeExceptionally(
                new TimeoutException(to.config.symbol() + " did not announce itself primary within " + waitMs + " ms")),
                waitMs, TimeUnit.MILLISECONDS);
        return acknowledged.whenComplete((v, e) -> limit.cancel(false));
    }

    /**
     * Sends HANDOVER to every partner, and again every Period until the successor announces itself
     * primary (or the wait ends): a lost HANDOVER costs one Period, not a Timeout.
     */
    private void sendHandover(Handover message, PartnerLink to, CompletableFuture<Void> acknowledged) {
        if (acknowledged.isDone() || to.closed || state.role() == Role.PRIMARY) {
            return;
        }
        links().sendAll(new Frame(FrameType.HANDOVER, LinkProtocol.toJson(message)));
        node.loop().schedule(() -> sendHandover(message, to, acknowledged), to.config.periodMs(), TimeUnit.MILLISECONDS);
    }

    /** An operator moved the role away: a preferred (automatic fail-back) server does not take it straight back. */
    void operatorHandedOver() {
        if (state.config().thisScada().failback() == Failback.AUTOMATIC) {
            failbackSuspended = true;
            node.log("automatic fail-back suspended until this server is elected primary again (an operator handed over)");
        }
    }

    /** No election of our own while the named successor takes the role (bounded by its Timeout). */
    private void awaitSuccessor(PartnerLink successor) {
        awaitedSuccessor = PartnerLinks.key(successor.config.symbol());
        awaitedUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(successor.config.timeoutMs());
        node.loop().schedule(() -> evaluate(RoleChangeCause.ELECTION, null), successor.config.timeoutMs(),
                TimeUnit.MILLISECONDS);
    }

    // ---- health ----

    void healthChanged(int before) {
        boolean wasHealthy = before >= NodeState.HEALTH_THRESHOLD;
        boolean healthy = state.healthy();
        if (wasHealthy == healthy || !state.redundancyOn()) {
            return;
        }
        if (!healthy) {
            if (state.role() == Role.PRIMARY) {
                PartnerLink successor = bestSuccessor(null);
                if (successor == null) {
                    node.log("unhealthy (health " + state.health()
                            + ") but no healthy backup is connected: this server stays primary");
                    return;
                }
                handOverNow(successor, HANDOVER_WAIT_MS);
            }
            if (state.role() == Role.BACKUP) {
                changeRole(Role.FAULT, RoleChangeCause.UNHEALTHY, "", -1, -1, -1, "health " + state.health()
                        + " is below " + NodeState.HEALTH_THRESHOLD + ": " + state.healthText());
            }
        } else if (state.role() == Role.FAULT) {
            changeRole(Role.BACKUP, RoleChangeCause.HEALTH_RESTORED, "", -1, -1, -1, "health " + state.health() + " again");
            evaluate(RoleChangeCause.ELECTION, null);
        }
    }
}
