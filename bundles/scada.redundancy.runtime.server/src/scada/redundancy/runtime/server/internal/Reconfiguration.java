package scada.redundancy.runtime.server.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.RoleChangeCause;
import scada.redundancy.runtime.link.Fingerprints;

/**
 * Puts a new configuration in force on the running node: This SCADA's Activate, a new port or
 * Symbol (the links restart), or changed partner rows (untouched links stay up). Loop-owned.
 */
final class Reconfiguration {
    private final RedundancyNode node;

    Reconfiguration(RedundancyNode node) {
        this.node = node;
    }

    CompletableFuture<Void> apply(RedundancyConfiguration next) {
        NodeState state = node.state();
        RedundancyConfiguration previous = state.config();
        if (!state.notApplied().isEmpty()) {
            state.notApplied("");
            node.board().changed();
        }
        if (previous.equals(next)) {
            return CompletableFuture.completedFuture(null);
        }
        boolean wasOn = previous.thisScada().activate();
        boolean isOn = next.thisScada().activate();
        boolean restart = wasOn && isOn && (previous.thisScada().port() != next.thisScada().port()
                || !previous.thisScada().symbol().equals(next.thisScada().symbol()));
        node.log("applying a new configuration" + (restart ? " (port or Symbol changed: the links restart)" : ""));
        if (restart) {
            return node.restartLinks(next, () -> configure(next));
        }
        if (wasOn && !isOn) {
            return node.stopRedundancy("redundancy switched off").thenCompose(v -> node.onLoop(() -> {
                configure(next);
                return node.startRedundancy();
            }).thenCompose(f -> f));
        }
        configure(next);
        if (!wasOn && isOn) {
            return node.startRedundancy();
        }
        if (!isOn) {
            node.board().changed();
            return CompletableFuture.completedFuture(null);
        }
        // Same port and Symbol: only partner rows changed. Keep untouched links, replace changed ones.
        PartnerLinks links = node.links();
        Map<String, PartnerLink> old = links.takeAll();
        for (Partner p : next.partners()) {
            PartnerLink link = old.remove(PartnerLinks.key(p.symbol()));
            if (link != null && PartnerLinks.sameEndpoint(link.config, p)) {
                link.update(p); // timings, retries, comment: the connections stay up
                links.put(link);
                continue;
            }
            PartnerLink fresh = new PartnerLink(node, p);
            if (link != null) {
                fresh.inherit(link); // what we knew of the partner stays true until its Timeout says otherwise
                link.close("its configuration changed", false);
            }
            links.put(fresh);
            fresh.startHeartbeats();
            if (p.activate()) {
                fresh.connect();
            }
        }
        for (PartnerLink gone : old.values()) {
            gone.close("it was removed from the configuration", false);
        }
        node.stallGuard().start();
        node.election().start();
        node.election().evaluate(RoleChangeCause.ELECTION, null);
        node.board().changed();
        return CompletableFuture.completedFuture(null);
    }

    private void configure(RedundancyConfiguration next) {
        node.state().configure(next, Fingerprints.ofSet(next, node.settings().bindAddress()));
        node.security().trustConfigured(next);
    }
}
