package scada.redundancy.runtime.server.internal;

import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import scada.redundancy.runtime.link.LinkProtocol.Goodbye;
import scada.redundancy.runtime.link.LinkProtocol.Hello;
import scada.redundancy.runtime.link.LinkProtocol.Reject;
import scada.redundancy.runtime.link.Frame;
import scada.redundancy.runtime.link.FrameType;
import scada.redundancy.runtime.link.Heartbeat;
import scada.redundancy.runtime.link.LinkChannels;
import scada.redundancy.runtime.link.LinkProtocol;
import scada.redundancy.runtime.link.ProtocolException;

/** Our connection to a partner: HELLO, then heartbeats out; WELCOME/REJECT/GOODBYE in. Runs on the loop. */
final class OutboundHandler extends ChannelInboundHandlerAdapter {
    private final RedundancyNode node;
    private final PartnerLink link;
    private boolean welcomed;
    /** The first real failure before WELCOME (e.g. a TLS 1.3 alert that arrives after our handshake finished). */
    private Throwable failure;
    private boolean tlsDone;

    OutboundHandler(RedundancyNode node, PartnerLink link) {
        this.node = node;
        this.link = link;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                tlsDone = true;
                ctx.writeAndFlush(new Frame(FrameType.HELLO,
                        LinkProtocol.toJson(node.hello(LinkProtocol.KIND_SERVER, LinkProtocol.OLDEST_VERSION))));
                ctx.executor().schedule(() -> {
                    if (!welcomed && ctx.channel().isActive()) {
                        ctx.close();
                    }
                }, LinkProtocol.HANDSHAKE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } else if (link.outbound == ctx.channel()) {
                ctx.close();
                link.connectFailed(done.cause());
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        Frame frame = (Frame) msg;
        if (link.outbound != ctx.channel()) {
            ctx.close(); // a connection this link replaced: nothing it says counts
            return;
        }
        switch (frame.type()) {
        case WELCOME -> {
            Hello welcome = LinkProtocol.fromJson(frame, Hello.class);
            int version = LinkProtocol.negotiate(welcome);
            if (version < 0) {
                throw new ProtocolException(LinkProtocol.versionMismatch(welcome));
            }
            link.protocol = version;
            String presented = LinkSecurity.peerFingerprint(ctx);
            String notThePartner = node.security().partnerRefusal(presented, link.config, node.state().symbol());
            if (notThePartner != null) {
                // TLS trusts any approved certificate; only the partner's own may answer as that partner.
                failure = new javax.net.ssl.SSLHandshakeException(notThePartner); // reported as the Fault's reason
                ctx.close();
                return;
            }
            welcomed = true;
            link.contact(System.nanoTime());
            node.election().checkPlausible(welcome.term(), "WELCOME");
            link.reportedTerm = Math.max(link.reportedTerm, welcome.term());
            link.outboundWelcomed(welcome, presented);
        }
        case REJECT -> {
            link.outboundRejected(LinkProtocol.fromJson(frame, Reject.class));
            ctx.close();
        }
        case GOODBYE -> link.saidGoodbye(LinkProtocol.fromJson(frame, Goodbye.class));
        case HEARTBEAT -> {
            // protocol 3: the partner answers on our connection while its own is down (see PartnerLink.sendHeartbeat)
            if (!welcomed || link.protocol < 3) {
                throw new ProtocolException("unexpected HEARTBEAT frame on an outbound link of protocol " + link.protocol);
            }
            node.election().onHeartbeat(link, Heartbeat.decode(frame.payload()));
        }
        default -> throw new ProtocolException("unexpected " + frame.type() + " frame on an outbound link");
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && link.outbound == ctx.channel()) {
            link.drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!welcomed && link.outbound == ctx.channel()) {
            if (failure == null && tlsDone) {
                // TLS 1.3: the server checks our certificate after our side of the handshake is done.
                // A redundancy server that refuses us otherwise sends REJECT; closing at once means
                // it did not accept our certificate.
                failure = new javax.net.ssl.SSLHandshakeException(link.config.symbol()
                        + " closed the connection before answering HELLO without a reason: most likely it does not trust"
                        + " this server's certificate (SHA-256 " + node.security().fingerprint() + "); see its log");
            }
            link.connectFailed(failure != null ? failure : new java.nio.channels.ClosedChannelException());
            return;
        }
        link.outboundClosed(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!welcomed && failure == null) {
            failure = cause;
        }
        node.log("link to " + link.config.symbol() + ": " + LinkChannels.describe(cause) + "; closing the connection");
        ctx.close();
    }
}
