package scada.redundancy.runtime.server.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import scada.redundancy.runtime.link.LinkProtocol.Hello;
import scada.redundancy.runtime.link.Fingerprints;
import scada.redundancy.runtime.link.LinkProtocol;

/**
 * Who may connect, how many, and as what: the caps on connections and on handshakes not yet
 * authenticated (checked on the I/O threads, before any TLS work), the rules a server checks
 * before it accepts a partner's HELLO, and refusals logged once per source and minute with a
 * count, never once per attempt.
 */
final class LinkAdmission {
    /** Connections to this server at most (partners, monitors, probes and strangers together). */
    static final int MAX_CONNECTIONS = 256;
    /** Connections that have not said an accepted HELLO yet (TLS handshakes in progress) at most. */
    static final int MAX_UNAUTHENTICATED = 64;
    /**
     * Handshakes in progress from one source address at most: a flood from one address cannot
     * take every handshake slot from the partners and the operators.
     */
    static final int MAX_UNAUTHENTICATED_PER_SOURCE = 16;
    /** Sources whose refusals are counted; the oldest is forgotten first. */
    static final int SOURCES_KEPT = 128;
    static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private static final AttributeKey<Boolean> UNAUTHENTICATED = AttributeKey.valueOf("duplex.unauthenticated");
    /** Handshakes in progress per source address; an address leaves when its count is 0, so at most {@link #MAX_UNAUTHENTICATED} entries. */
    private final Map<String, Integer> unauthenticatedBySource = new java.util.concurrent.ConcurrentHashMap<>();

    private final RedundancyNode node;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger unauthenticated = new AtomicInteger();
    /** Per source address: when its refusals were last logged and how many came since. Guarded by itself. */
    private final Map<String, long[]> refusals = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > SOURCES_KEPT;
        }
    };

    LinkAdmission(RedundancyNode node) {
        this.node = node;
    }

    /** On an I/O thread, for every accepted connection: false closes it before any TLS work. */
    boolean admit(Channel ch) {
        if (connections.incrementAndGet() > MAX_CONNECTIONS) {
            connections.decrementAndGet();
            refused(ch.remoteAddress(), "too many connections (" + MAX_CONNECTIONS + ")");
            return false;
        }
        if (unauthenticated.incrementAndGet() > MAX_UNAUTHENTICATED) {
            unauthenticated.decrementAndGet();
            connections.decrementAndGet();
            refused(ch.remoteAddress(), "too many handshakes in progress (" + MAX_UNAUTHENTICATED + ")");
            return false;
        }
        String source = source(ch.remoteAddress());
        if (unauthenticatedBySource.merge(source, 1, Integer::sum) > MAX_UNAUTHENTICATED_PER_SOURCE) {
            unauthenticatedBySource.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
            unauthenticated.decrementAndGet();
            connections.decrementAndGet();
            refused(ch.remoteAddress(), "too many handshakes in progress from there (" + MAX_UNAUTHENTICATED_PER_SOURCE + ")");
            return false;
        }
        ch.attr(UNAUTHENTICATED).set(Boolean.TRUE);
        ch.closeFuture().addListener(f -> {
            connections.decrementAndGet();
            authenticated(ch);
        });
        return true;
    }

    /** The connection said an accepted HELLO (or closed): it no longer counts as a handshake in progress. */
    void authenticated(Channel ch) {
        if (ch.attr(UNAUTHENTICATED).getAndSet(Boolean.FALSE) == Boolean.TRUE) {
            unauthenticated.decrementAndGet();
            unauthenticatedBySource.computeIfPresent(source(ch.remoteAddress()), (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /**
     * Logs a refusal: the first from a source at once, then at most one line per source and
     * minute with the count of those in between.
     */
    private static String source(SocketAddress from) {
        return from instanceof InetSocketAddress a && a.getAddress() != null ? a.getAddress().getHostAddress()
                : String.valueOf(from);
    }

    void refused(SocketAddress from, String reason) {
        String source = source(from);
        long now = System.nanoTime();
        long count;
        synchronized (refusals) {
            long[] seen = refusals.get(source);
            if (seen != null && now - seen[0] < REFUSAL_LOG_INTERVAL_NANOS) {
                seen[1]++;
                return;
            }
            count = seen == null ? 0 : seen[1];
            refusals.put(source, new long[] { now, 0 });
        }
        node.log("refused a connection from " + source + ": " + reason
                + (count > 0 ? " (and " + count + " more refusals from there in the last minute)" : ""));
    }

    /** Why a server that says HELLO is not accepted as a partner, or null. */
    String partnerRefusal(ChannelHandlerContext ctx, Hello hello) {
        NodeState state = node.state();
        String symbol = state.symbol();
        PartnerLink l = node.links().get(hello.symbol());
        String remote = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        if (l == null) {
            return "\"" + LinkProtocol.peerName(hello.symbol()) + "\" is not a partner of " + symbol + "; add it to "
                    + symbol + "'s Partners table";
        }
        if (!l.config.activate()) {
            return "the partner row \"" + l.config.symbol() + "\" is not activated on " + symbol;
        }
        if (!Fingerprints.normalize(l.config.ipAddress()).equals(remote)) {
            return symbol + " expects \"" + l.config.symbol() + "\" at " + l.config.ipAddress() + ", not at " + remote;
        }
        int port = state.config().thisScada().port();
        if (hello.port() != port) {
            return "wrong port: " + l.config.symbol() + " uses " + hello.port() + ", " + symbol + " uses " + port
                    + " (port numbers must match on both servers)";
        }
        // Pinned in this row or approved as this partner: a monitor's or an operator's certificate,
        // or another partner's, never passes for a server from this row's address.
        return node.security().partnerRefusal(LinkSecurity.peerFingerprint(ctx), l.config, symbol);
    }
}
