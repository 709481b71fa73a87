package scada.redundancy.runtime.server.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.PartnerRole;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.Verification;
import scada.redundancy.runtime.client.StatusJson;
import scada.redundancy.runtime.tls.RefusedCertificates;
import scada.redundancy.runtime.link.Frame;
import scada.redundancy.runtime.link.FrameType;

/**
 * The status: built from the node's rooms on the loop, coalesced into one notification per loop
 * turn, handed to the status listeners and pushed to the connected monitoring clients. The last
 * one built is kept for callers when the loop does not answer in time.
 *
 * <p>A monitor gets a push only while its connection is writable: one that does not read gets
 * nothing more queued, and its connection closes itself (see {@link InboundHandler}). The refused
 * certificates are a bounded list whatever a scanner does (see {@link RefusedCertificates}).
 */
final class StatusBoard {
    /**
     * Set on a monitor's connection when a status was due while it was not writable: it gets the
     * latest one when it is writable again (see {@link InboundHandler}). Loop-owned.
     */
    static final AttributeKey<Boolean> STATUS_OWED = AttributeKey.valueOf("duplex.statusOwed");
    /** How often the strangers refused without a log line of their own are summed up in one. */
    static final long REFUSED_SUMMARY_MS = TimeUnit.MINUTES.toMillis(1);

    private final RedundancyNode node;
    private final Set<Channel> monitors = new HashSet<>();
    private boolean flushQueued;
    private ScheduledFuture<?> refusedSummary;
    private volatile RedundancyStatus last;

    StatusBoard(RedundancyNode node) {
        this.node = node;
    }

    RedundancyStatus last() {
        return last;
    }

    void addMonitor(Channel ch) {
        monitors.add(ch);
        changed();
    }

    void removeMonitor(Channel ch) {
        if (monitors.remove(ch)) {
            changed();
        }
    }

    void closeMonitors() {
        for (Channel m : List.copyOf(monitors)) {
            m.close();
        }
    }

    /**
     * On the loop: a TLS handshake refused a certificate nobody approved. The list keeps the
     * newest few and a count; the log names at most one new stranger a second and sums up the
     * others once a minute.
     */
    void certificateRefused(String fingerprint) {
        RefusedCertificates refused = node.security().refused();
        if (!refused.add(fingerprint)) {
            return; // a stranger listed already: nothing the status shows changed
        }
        String line = refused.logLine(fingerprint);
        if (line != null) {
            node.log(line);
        } else if (refusedSummary == null) {
            refusedSummary = node.loop().schedule(() -> {
                refusedSummary = null;
                String summary = refused.quietSummary();
                if (summary != null) {
                    node.log(summary);
                }
            }, REFUSED_SUMMARY_MS, TimeUnit.MILLISECONDS);
        }
        changed();
    }

    /** Something a status shows changed: one notification per loop turn, however many changes. */
    void changed() {
        if (flushQueued) {
            return;
        }
        flushQueued = true;
        node.loop().execute(() -> {
            flushQueued = false;
            RedundancyStatus status = build();
            node.listener().statusChanged(status);
            if (!monitors.isEmpty()) {
                byte[] json = StatusJson.toJson(status).getBytes(StandardCharsets.UTF_8);
                for (Channel m : monitors) {
                    if (m.isWritable()) {
                        m.attr(STATUS_OWED).set(Boolean.FALSE);
                        m.writeAndFlush(new Frame(FrameType.STATUS, json));
                    } else {
                        m.attr(STATUS_OWED).set(Boolean.TRUE); // it does not read: nothing more queued for it
                    }
                }
            }
        });
    }

    RedundancyStatus build() {
        LoopLateness.Snapshot lateness = node.stallGuard().lateness();
        NodeState state = node.state();
        RedundancyConfiguration config = state.config();
        PartnerLinks links = node.links();
        StatusContributions.Contributed contributed = node.settings().contributions().read();
        long now = System.nanoTime();
        List<PartnerStatus> partners = new ArrayList<>();
        int active = 0;
        int connected = 0;
        for (Partner p : config.partners()) {
            PartnerLink l = links.get(p.symbol());
            boolean isConnected = l != null && l.connected();
            if (p.activate()) {
                active++;
                if (isConnected) {
                    connected++;
                }
            }
            PartnerStatus.Builder row = PartnerStatus.builder().no(p.no()).symbol(p.symbol())
                    .address(p.ipAddress() + ":" + p.port()).activate(p.activate())
                    .database(contributed.partnerDatabase(p.symbol()));
            if (l == null) {
                row.faultReason(state.redundancyOn() ? "" : "redundancy off");
            } else {
                row.connected(isConnected).isPrimary(l.alive && l.reportedRole == Role.PRIMARY).fault(l.fault)
                        .faultReason(l.faultReason)
                        .role(l.reportedRole == null ? PartnerRole.NOT_HEARD
                                : l.alive ? PartnerRole.heard(l.reportedRole) : PartnerRole.OFFLINE)
                        .term(l.reportedTerm).health(l.reportedHealth)
                        .lastHeartbeatAgeMs(l.lastHeardNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(now - l.lastHeardNanos))
                        .rttMs(l.rttMs).retries(l.retries).nextRetryInMs(l.nextRetryInMs())
                        .verified(l.verified).peerFingerprint(l.peerFingerprint);
            }
            if (contributed.partnerNotVerified(p.symbol())) {
                row.verified(Verification.NOT_VERIFIED); // e.g. DB sync: another schema there; the reason is in its Database column
            }
            partners.add(row.build());
        }
        boolean on = state.redundancyOn();
        Verification verified = active > 0 && partners.stream().filter(PartnerStatus::activate)
                .allMatch(s -> s.verified() == Verification.VERIFIED) ? Verification.VERIFIED
                        : partners.stream().anyMatch(s -> s.verified() == Verification.NOT_VERIFIED)
                                ? Verification.NOT_VERIFIED
                                : Verification.NOT_CHECKED;
        List<String> notes = new ArrayList<>();
        if (!on) {
            notes.add("redundancy off: this server runs standalone");
        }
        if (state.hasHealthReports()) {
            notes.add("health " + state.health() + ": " + state.healthText());
        }
        if (!state.notApplied().isEmpty()) {
            notes.add(state.notApplied());
        }
        RefusedCertificates refused = node.security().refused();
        refused.approved(node.security().trustedSnapshot()); // approved since: no longer waiting
        if (refused.count() > 0) {
            notes.add(refused.summary());
        }
        int withoutRole = node.security().approvalsWithoutRole();
        if (withoutRole > 0) {
            notes.add(withoutRole + (withoutRole == 1 ? " approval has" : " approvals have") + " no role ("
                    + scada.redundancy.runtime.tls.TrustStore.FILE + "): approve "
                    + (withoutRole == 1 ? "it" : "them") + " again with --as partner|monitor|operator");
        }
        notes.addAll(contributed.notes());
        // Monitors first (the redundancy port's own clients), then each contribution's, bounded by the status.
        List<String> clients = new ArrayList<>();
        int monitorCount = on ? monitors.size() : 0;
        if (on) {
            for (Channel m : monitors) {
                if (clients.size() < RedundancyStatus.MAX_CLIENTS) {
                    clients.add("monitor " + address(m));
                }
            }
        }
        for (String c : contributed.clients()) {
            if (clients.size() < RedundancyStatus.MAX_CLIENTS) {
                clients.add(c);
            }
        }
        RedundancyStatus status = RedundancyStatus.builder().symbol(state.symbol())
                .address(on ? node.settings().bindAddress() + ":" + config.thisScada().port() : "").activate(on)
                .role(state.role()).term(state.term()).health(state.health()).starting(state.starting())
                .connectedServer(on ? connected + "/" + active : "redundancy off")
                .connectedClients(monitorCount + contributed.clientCount()).clients(clients)
                .database(contributed.database()).verified(verified)
                .fingerprint(node.security().fingerprint()).partners(partners).roleChanges(state.roleChanges())
                .note(String.join("; ", notes)).contributors(contributed.sources()).details(contributed.details())
                .loopLate(lateness.p99Ms(), lateness.maxMs()).build();
        last = status;
        return status;
    }

    /** A monitor's remote address as IP:port. */
    private static String address(Channel ch) {
        return ch.remoteAddress() instanceof java.net.InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort()
                : String.valueOf(ch.remoteAddress());
    }
}
