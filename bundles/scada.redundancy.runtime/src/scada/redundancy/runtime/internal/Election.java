package scada.redundancy.runtime.internal;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import scada.redundancy.model.Failback;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChangeCause;
import scada.redundancy.runtime.internal.LinkProtocol.FailbackRequest;
import scada.redundancy.runtime.internal.LinkProtocol.Handover;

/**
 * Who is primary: the election after a silence or a refused reconnect, terms, the same-term
 * rule, hand-over and fail-back, and what health does to the role. Loop-owned. The rules are
 * those of the README ("How the runtime decides").
 */
final class Election {
    /** A graceful stop waits this long for the successor to announce itself primary. */
    static final int HANDOVER_WAIT_MS = 1000;
    /** The longest a hand-over waits for this server's role-aware services to stop. */
    static final int ROLE_DISPATCH_LIMIT_MS = 5000;

    private final RedundancyNode node;
    private final NodeState state;
    /** A HANDOVER named another server: no election of our own until it claims or its Timeout passes. */
    private String awaitedSuccessor;
    private long awaitedUntilNanos;

    Election(RedundancyNode node) {
        this.node = node;
        this.state = node.state();
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
    void evaluate(RoleChangeCause cause, PartnerLink lostPrimary) {
        if (state.role() != Role.BACKUP || state.stopping() || !state.redundancyOn()) {
            return;
        }
        if (node.stallGuard().inGrace()) {
            node.stallGuard().evaluateLater();
            return;
        }
        if (links().all().stream().anyMatch(l -> l.alive && l.reportedRole == Role.PRIMARY)) {
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
        PartnerLink better = links().all().stream().filter(l -> l.alive && !l.fault && l.reportedRole == Role.BACKUP)
                .filter(l -> ranksBefore(l.reportedHealth, l.reportedServedTerm, l.config.symbol(), state.health(),
                        state.servedTerm(), state.symbol()))
                .findFirst().orElse(null);
        if (better != null) {
            return; // it will claim; if it cannot, its silence will bring us back here
        }
        RoleChangeCause why = state.starting() || lostPrimary == null && cause == RoleChangeCause.STARTUP_ELECTION
                ? RoleChangeCause.STARTUP_ELECTION : cause;
        becomePrimary(nextTerm(), why, lostPrimary);
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
        if (!persistTerm(newTerm)) {
            return;
        }
        try {
            state.storeServedTerm(newTerm);
        } catch (IOException e) {
            node.log("cannot store the served term " + newTerm + ": " + e.getMessage() + " (only the rank after a restart of "
                    + "the whole set depends on it)");
        }
        long now = System.nanoTime();
        state.primarySince(now);
        state.starting(false);
        long lastContactNanos = lostPrimary == null ? -1 : lostPrimary.lastContactNanos;
        long failoverMs = lastContactNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(now - lastContactNanos);
        changeRole(Role.PRIMARY, cause, peer, lostPrimary == null ? -1 : lostPrimary.lastHeartbeatMillis,
                lostPrimary == null ? -1 : lostPrimary.lostDetectedMillis, failoverMs, detail);
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

    private boolean persistTerm(long newTerm) {
        try {
            state.storeTerm(newTerm);
            return true;
        } catch (IOException e) {
            node.log("ERROR cannot store term " + newTerm + " in " + node.settings().dataDir() + ": " + e.getMessage()
                    + "; this server will not act on the new term until it can");
            return false;
        }
    }

    void changeRole(Role to, RoleChangeCause cause, String peer, long lastHeartbeatMillis, long detectedMillis,
            long failoverMs, String detail) {
        state.changeRole(to, cause, peer, lastHeartbeatMillis, detectedMillis, failoverMs, detail);
        node.board().changed();
    }

    // ---- news from the links ----

    void onHeartbeat(PartnerLink link, Heartbeat hb) {
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
        if (hb.term() > state.term() && persistTerm(hb.term())) {
            if (state.role() == Role.PRIMARY) {
                stepDown(RoleChangeCause.HIGHER_TERM, link, link.config.symbol() + " is primary in the higher term "
                        + hb.term() + "; this server stepped down at once");
            } else {
                links().heartbeatAll(); // everyone learns the term now, not a Period later
            }
        }
        if (hb.role() == Role.PRIMARY) {
            if (state.role() == Role.PRIMARY && hb.term() == state.term()) {
                long mine = TimeUnit.NANOSECONDS.toMillis(now - state.primarySinceNanos());
                boolean theyStay = hb.primaryForMs() > mine || hb.primaryForMs() == mine
                        && ranksBefore(100, 0, link.config.symbol(), 100, 0, state.symbol());
                if (theyStay) {
                    stepDown(RoleChangeCause.DUAL_PRIMARY_RESOLVED, link, "two primaries in term " + state.term() + ": "
                            + link.config.symbol() + " has been primary longer (" + hb.primaryForMs() + " ms vs " + mine
                            + " ms); this server stepped down");
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
        link.updateSendable();
        link.lostDetectedMillis = System.currentTimeMillis();
        node.log("lost " + link.config.symbol() + (wasPrimary ? " (the primary)" : "") + ": " + why);
        node.board().changed();
        if (wasPrimary) {
            evaluate(cause, link);
        } else {
            evaluate(RoleChangeCause.ELECTION, null);
        }
    }

    void onHandover(PartnerLink from, Handover h) {
        from.contact(System.nanoTime());
        if (h.term() > state.term() && PartnerLinks.key(h.successor()).equals(PartnerLinks.key(state.symbol()))) {
            if (state.role() == Role.BACKUP) {
                from.reportedRole = Role.BACKUP; // it stepped down and leaves the role to us
                from.lostDetectedMillis = System.currentTimeMillis();
                becomePrimary(h.term(), RoleChangeCause.GRACEFUL_HANDOVER, from);
            }
        } else if (from.reportedRole == Role.PRIMARY) {
            from.reportedRole = Role.BACKUP; // the successor's heartbeat follows at once
            PartnerLink successor = links().get(h.successor());
            if (successor != null) {
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
        if (state.config().thisScada().failback() == Failback.AUTOMATIC && !link.failbackRequested && link.outboundReady
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
                    links().sendAll(new Frame(FrameType.HANDOVER, LinkProtocol.toJson(message)));
                }));
        ScheduledFuture<?> limit = node.loop().schedule(() -> acknowledged.completeExceptionally(
                new TimeoutException(to.config.symbol() + " did not announce itself primary within " + waitMs + " ms")),
                waitMs, TimeUnit.MILLISECONDS);
        return acknowledged.whenComplete((v, e) -> limit.cancel(false));
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
