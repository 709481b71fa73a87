package scada.redundancy.runtime.server.internal;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import scada.redundancy.model.Partner;
import scada.redundancy.runtime.link.Frame;

/**
 * The links to the partners, in the configuration's order (the order of the Partners table is
 * the failover priority of a hand-over). Loop-owned, except {@link #channelsOf}, which senders
 * on any thread use to reserve room before they hand a message to the loop.
 */
final class PartnerLinks {
    private final Map<String, PartnerLink> links = new LinkedHashMap<>();
    private final Map<String, ChannelFlow> flows = new ConcurrentHashMap<>();

    static String key(String symbol) {
        return symbol.strip().toLowerCase(Locale.ROOT);
    }

    PartnerLink get(String symbol) {
        return symbol == null ? null : links.get(key(symbol));
    }

    Collection<PartnerLink> all() {
        return links.values();
    }

    void put(PartnerLink link) {
        links.put(key(link.symbol()), link);
        flows.put(key(link.symbol()), link.channels);
    }

    /** Removes every link and returns them by key, for a reconfiguration to keep or close. */
    Map<String, PartnerLink> takeAll() {
        Map<String, PartnerLink> old = new LinkedHashMap<>(links);
        links.clear();
        flows.clear();
        return old;
    }

    /** Any thread: the channel flow of a partner, or null. */
    ChannelFlow channelsOf(String symbol) {
        return flows.get(key(symbol));
    }

    void heartbeatAll() {
        links.values().forEach(PartnerLink::sendHeartbeat);
    }

    void sendAll(Frame frame) {
        for (PartnerLink l : links.values()) {
            l.send(frame);
        }
    }

    /** Whether a changed partner row still means the same connection (same peer, address, port, pin, on/off). */
    static boolean sameEndpoint(Partner a, Partner b) {
        return key(a.symbol()).equals(key(b.symbol())) && a.ipAddress().equals(b.ipAddress()) && a.port() == b.port()
                && a.activate() == b.activate() && a.normalizedCertificateSha256().equals(b.normalizedCertificateSha256());
    }
}
