package scada.redundancy.runtime.internal;

import java.net.InetSocketAddress;

import io.netty.channel.ChannelHandlerContext;
import scada.redundancy.runtime.internal.LinkProtocol.Hello;

/** Who may connect as what: the rules a server checks before it accepts a HELLO. */
final class LinkAdmission {
    private final RedundancyNode node;

    LinkAdmission(RedundancyNode node) {
        this.node = node;
    }

    /** Why a server that says HELLO is not accepted as a partner, or null. */
    String partnerRefusal(ChannelHandlerContext ctx, Hello hello) {
        NodeState state = node.state();
        String symbol = state.symbol();
        PartnerLink l = node.links().get(hello.symbol());
        String remote = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        if (l == null) {
            return "\"" + hello.symbol() + "\" is not a partner of " + symbol + "; add it to " + symbol + "'s Partners table";
        }
        if (!l.config.activate()) {
            return "the partner row \"" + l.config.symbol() + "\" is not activated on " + symbol;
        }
        if (!Fingerprints.normalize(l.config.ipAddress()).equals(remote)) {
            return symbol + " expects \"" + l.config.symbol() + "\" at " + l.config.ipAddress() + ", not at " + remote;
        }
        int port = state.config().thisScada().port();
        if (hello.port() != port) {
            return "wrong port: " + hello.symbol() + " uses " + hello.port() + ", " + symbol + " uses " + port
                    + " (port numbers must match on both servers)";
        }
        String pinned = l.config.normalizedCertificateSha256();
        String presented = LinkSecurity.peerFingerprint(ctx);
        if (!pinned.isEmpty() && !pinned.equals(presented)) {
            return "the certificate of \"" + l.config.symbol() + "\" is not the one pinned on " + symbol;
        }
        return null;
    }
}
