package scada.redundancy.runtime.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import scada.redundancy.runtime.ConnectResult.Failure;
import scada.redundancy.runtime.client.StatusJson;
import scada.redundancy.runtime.internal.LinkProtocol.Goodbye;
import scada.redundancy.runtime.internal.LinkProtocol.Handover;
import scada.redundancy.runtime.internal.LinkProtocol.Hello;
import scada.redundancy.runtime.internal.LinkProtocol.Reject;

/**
 * A connection to us: a partner's link, a monitoring client or a probe. Runs on the loop; routes
 * a partner's frames to its {@link PartnerLink} and the {@link Election}.
 */
final class InboundHandler extends ChannelInboundHandlerAdapter {
    private final RedundancyNode node;
    private PartnerLink link;
    private String kind;
    private ScheduledFuture<?> helloTimer;

    InboundHandler(RedundancyNode node) {
        this.node = node;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        helloTimer = ctx.executor().schedule(() -> {
            if (kind == null) {
                ctx.close();
            }
        }, LinkProtocol.HANDSHAKE_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        Frame frame = (Frame) msg;
        if (kind == null) {
            if (frame.type() != FrameType.HELLO) {
                throw new ProtocolException("expected HELLO, got " + frame.type());
            }
            accept(ctx, LinkProtocol.fromJson(frame, Hello.class));
            return;
        }
        switch (frame.type()) {
        case HEARTBEAT -> node.election().onHeartbeat(partner(frame), Heartbeat.decode(frame.payload()));
        case HANDOVER -> node.election().onHandover(partner(frame), LinkProtocol.fromJson(frame, Handover.class));
        case FAILBACK_REQUEST -> node.election().onFailbackRequest(partner(frame));
        case GOODBYE -> {
            if (link != null) {
                link.saidGoodbye(LinkProtocol.fromJson(frame, Goodbye.class));
                link.contact(System.nanoTime());
            }
        }
        case CHANNEL -> {
            PartnerLink from = partner(frame);
            ChannelFrames.Message m = ChannelFrames.decodeMessage(frame.payload());
            from.contact(System.nanoTime());
            int size = m.body().length;
            node.listener().channelMessage(from.config.symbol(), m.channel(), m.body(),
                    () -> node.loop().execute(() -> from.consumed(m.channel(), size)));
        }
        case CREDIT -> partner(frame).credited(ChannelFrames.decodeCredit(frame.payload()));
        case ACTION_REQUEST -> {
            if (!LinkProtocol.KIND_MONITOR.equals(kind)) {
                throw new ProtocolException("ACTION_REQUEST from a " + kind + " connection");
            }
            act(ctx, LinkProtocol.fromJson(frame, LinkProtocol.ActionRequest.class));
        }
        case STATUS_REQUEST -> ctx.writeAndFlush(
                new Frame(FrameType.STATUS, StatusJson.toJson(node.board().build()).getBytes(StandardCharsets.UTF_8)));
        case VERIFY_REQUEST -> ctx.writeAndFlush(new Frame(FrameType.VERIFY_RESPONSE, LinkProtocol.toJson(node.configView())));
        default -> throw new ProtocolException("unexpected " + frame.type() + " frame from a " + kind + " connection");
        }
    }

    /** The partner this connection belongs to: frames of the link are refused on any other kind of connection. */
    private PartnerLink partner(Frame frame) throws ProtocolException {
        if (link == null) {
            throw new ProtocolException(frame.type() + " frame from a " + kind + " connection");
        }
        return link;
    }

    private void accept(ChannelHandlerContext ctx, Hello hello) throws ProtocolException {
        int version = LinkProtocol.negotiate(hello);
        if (version < 0) {
            reject(ctx, Failure.NOT_A_REDUNDANCY_SERVER, LinkProtocol.versionMismatch(hello));
            return;
        }
        if (hello.kind() == null) {
            throw new ProtocolException("HELLO without a kind");
        }
        if (LinkProtocol.KIND_SERVER.equals(hello.kind())) {
            String why = node.admission().partnerRefusal(ctx, hello);
            if (why != null) {
                reject(ctx, Failure.REJECTED, why);
                return;
            }
            link = node.links().get(hello.symbol());
            link.inboundAccepted(ctx.channel(), hello, version);
        } else if (LinkProtocol.KIND_MONITOR.equals(hello.kind())) {
            node.board().addMonitor(ctx.channel());
        } else if (!LinkProtocol.KIND_PROBE.equals(hello.kind())) {
            throw new ProtocolException("HELLO of unknown kind \"" + LinkProtocol.peerName(hello.kind()) + "\"");
        }
        kind = hello.kind();
        helloTimer.cancel(false);
        node.admission().authenticated(ctx.channel());
        ctx.writeAndFlush(new Frame(FrameType.WELCOME, LinkProtocol.toJson(node.hello(LinkProtocol.KIND_SERVER, version))));
    }

    /** An operator's action from an authenticated monitoring client; the result goes back on the same connection. */
    private void act(ChannelHandlerContext ctx, LinkProtocol.ActionRequest request) {
        Duration timeout = Duration.ofMillis(Math.max(100, Math.min(request.timeoutMs(), 60_000)));
        node.log("monitoring client " + ctx.channel().remoteAddress() + " asks: " + request.action()
                + (request.partner() == null ? "" : " " + request.partner()));
        CompletionStage<?> result = switch (String.valueOf(request.action())) {
        case LinkProtocol.ACTION_TRY_TO_CONNECT -> node.tryToConnect(String.valueOf(request.partner()), timeout);
        case LinkProtocol.ACTION_VERIFY -> node.verify(String.valueOf(request.partner()), timeout);
        case LinkProtocol.ACTION_HAND_OVER -> node.handOver(timeout);
        default -> CompletableFuture.failedFuture(new IllegalArgumentException("unknown action \"" + request.action() + "\""));
        };
        result.whenComplete((value, failure) -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                    : failure;
            LinkProtocol.ActionResult answer = new LinkProtocol.ActionResult(
                    failure == null ? LinkProtocol.json().valueToTree(value) : null,
                    failure == null ? "" : String.valueOf(cause.getMessage()));
            ctx.writeAndFlush(new Frame(FrameType.ACTION_RESULT, LinkProtocol.toJson(answer)));
        });
    }

    private void reject(ChannelHandlerContext ctx, Failure code, String reason) {
        node.admission().refused(ctx.channel().remoteAddress(), reason);
        kind = "rejected";
        ctx.writeAndFlush(new Frame(FrameType.REJECT, LinkProtocol.toJson(new Reject(code.name(), reason))))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (helloTimer != null) {
            helloTimer.cancel(false);
        }
        node.board().removeMonitor(ctx.channel());
        if (link != null) {
            link.inboundClosed(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = LinkChannels.root(cause);
        if (!(root instanceof IOException) || link != null) {
            node.log("closing a connection from " + ctx.channel().remoteAddress() + ": " + LinkChannels.describe(cause));
        }
        if (kind == null && root instanceof ProtocolException) {
            // Before HELLO the peer learns why, so that it does not guess (e.g. at a certificate problem).
            kind = "rejected";
            ctx.writeAndFlush(new Frame(FrameType.REJECT, LinkProtocol.toJson(new Reject(
                    Failure.NOT_A_REDUNDANCY_SERVER.name(), LinkChannels.describe(cause)))))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.close();
    }
}
