package scada.redundancy.runtime.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.PartnerRole;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.Verification;
import scada.redundancy.runtime.client.StatusJson;

/**
 * The status: built from the node's rooms on the loop, coalesced into one notification per loop
 * turn, handed to the status listeners and pushed to the connected monitoring clients. The last
 * one built is kept for callers when the loop does not answer in time.
 */
final class StatusBoard {
    private final RedundancyNode node;
    private final Set<Channel> monitors = new HashSet<>();
    private boolean flushQueued;
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
                        m.writeAndFlush(new Frame(FrameType.STATUS, json));
                    }
                }
            }
        });
    }

    RedundancyStatus build() {
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
                        .verified(Verification.fromJsonName(l.verified)).peerFingerprint(l.peerFingerprint);
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
        Set<String> refused = node.security().refusedFingerprints();
        if (!refused.isEmpty()) {
            notes.add("refused untrusted link certificate(s): " + String.join(", ", refused));
        }
        notes.addAll(contributed.notes());
        RedundancyStatus status = RedundancyStatus.builder().symbol(state.symbol())
                .address(on ? node.settings().bindAddress() + ":" + config.thisScada().port() : "").activate(on)
                .role(state.role()).term(state.term()).health(state.health()).starting(state.starting())
                .connectedServer(on ? connected + "/" + active : "redundancy off")
                .connectedClients(on ? monitors.size() : 0).database(contributed.database()).verified(verified)
                .fingerprint(node.security().fingerprint()).partners(partners).roleChanges(state.roleChanges())
                .note(String.join("; ", notes)).contributors(contributed.sources()).build();
        last = status;
        return status;
    }
}
