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
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
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
            partners.add(l == null
                    ? new PartnerStatus(p.no(), p.symbol(), p.ipAddress() + ":" + p.port(), p.activate(), false, false,
                            false, state.redundancyOn() ? "" : "redundancy off", "", -1, -1, -1, -1, 0, -1, "n/a",
                            "not checked", "")
                    : new PartnerStatus(p.no(), p.symbol(), p.ipAddress() + ":" + p.port(), p.activate(), isConnected,
                            l.alive && l.reportedRole == Role.PRIMARY, l.fault, l.faultReason,
                            l.reportedRole == null ? "" : l.alive ? l.reportedRole.jsonName() : "offline", l.reportedTerm,
                            l.reportedHealth,
                            l.lastHeardNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(now - l.lastHeardNanos), l.rttMs,
                            l.retries, l.nextRetryInMs(), "n/a", l.verified, l.peerFingerprint));
        }
        boolean on = state.redundancyOn();
        String verified = partners.stream().filter(PartnerStatus::activate).allMatch(s -> "verified".equals(s.verified()))
                && active > 0 ? "verified"
                        : partners.stream().anyMatch(s -> "not verified".equals(s.verified())) ? "not verified" : "not checked";
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
        String note = String.join("; ", notes);
        RedundancyStatus status = new RedundancyStatus(state.symbol(),
                on ? node.settings().bindAddress() + ":" + config.thisScada().port() : "", on, state.role(), state.term(),
                state.health(), state.starting(), on ? connected + "/" + active : "redundancy off",
                on ? monitors.size() : 0, "n/a", verified, node.security().fingerprint(), partners, state.roleChanges(),
                note);
        last = status;
        return status;
    }
}
