package scada.redundancy.runtime.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInboundHandlerAdapter;
import scada.redundancy.runtime.ConnectResult.Failure;
import scada.redundancy.runtime.client.StatusJson;
import scada.redundancy.runtime.link.LinkProtocol.Goodbye;
import scada.redundancy.runtime.link.LinkProtocol.Handover;
import scada.redundancy.runtime.link.LinkProtocol.Hello;
import scada.redundancy.runtime.link.LinkProtocol.Reject;
import scada.redundancy.runtime.link.ChannelFrames;
import scada.redundancy.runtime.link.Frame;
import scada.redundancy.runtime.link.FrameType;
import scada.redundancy.runtime.link.Heartbeat;
import scada.redundancy.runtime.link.LinkChannels;
import scada.redundancy.runtime.link.LinkProtocol;
import scada.redundancy.runtime.link.ProtocolException;

/**
 * A connection to us: a partner's link, a monitoring client or a probe. Runs on the loop; routes
 * a partner's frames to its {@link PartnerLink} and the {@link Election}.
 *
 * <p>Who may do what is decided by the certificate the connection presented (see
 * {@link LinkSecurity}): HELLO as server only with the certificate pinned in that partner's row or
 * approved as that partner; HELLO as monitor and STATUS_REQUEST (and status pushes) only for a
 * certificate approved as monitor or operator; VERIFY_REQUEST for a partner's or a monitor's;
 * ACTION_REQUEST (try-connect, verify, hand-over, deploy) for an operator's on a monitor connection. A
 * probe (HELLO, WELCOME) is open to any certificate TLS let through. Anything else is answered
 * with REJECT naming the reason and the command that would approve it, and the connection closes.
 *
 * <p>Limits for clients (monitors and probes): one that asks nothing for {@link #clientIdleMs}
 * is closed (status pushes are not asks; a following client repeats its STATUS_REQUEST, see
 * {@link LinkClient#follow}); one that does not read gets nothing more queued once its connection
 * is not writable (a STATUS_REQUEST then is answered once it is), and is closed when it stays so
 * for {@link #UNWRITABLE_CLOSE_MS} or has more than {@link #MAX_QUEUED_BYTES} waiting. A frame
 * started and never finished after HELLO keeps the client idle, so the idle timeout bounds it too.
 */
final class InboundHandler extends ChannelInboundHandlerAdapter {
    /** A monitor or probe that has asked nothing for this long is closed. Not final: tests shorten it. */
    static volatile long clientIdleMs = TimeUnit.MINUTES.toMillis(10);
    /** A client whose connection stays unwritable (it does not read) this long is closed. */
    static final long UNWRITABLE_CLOSE_MS = 5000;
    /** A client with more than this waiting to be sent to it is closed at once. */
    static final long MAX_QUEUED_BYTES = 2L * LinkProtocol.MAX_FRAME_BYTES;

    /** The kernel's send buffer for a client's connection (the operating system's default may grow to megabytes). */
    static final int CLIENT_SEND_BUFFER_BYTES = 64 * 1024;
    /** A monitor gets an answer to STATUS_REQUEST at most this often; asks in between get the next one. */
    static final long STATUS_MIN_INTERVAL_MS = 100;

    private static final String REJECTED = "rejected";

    private final RedundancyNode node;
    private PartnerLink link;
    private String kind;
    /** The SHA-256 fingerprint of the peer's certificate, read at HELLO. */
    private String fingerprint = "";
    private ScheduledFuture<?> helloTimer;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> unwritableTimer;
    private long lastRequestNanos;
    private long lastStatusNanos;
    private boolean statusSent;
    private ScheduledFuture<?> statusTimer;

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
        if (REJECTED.equals(kind)) {
            return; // closing: nothing it says counts
        }
        if (kind == null) {
            if (frame.type() != FrameType.HELLO) {
                throw new ProtocolException("expected HELLO, got " + frame.type());
            }
            accept(ctx, LinkProtocol.fromJson(frame, Hello.class));
            return;
        }
        switch (frame.type()) {
        case HEARTBEAT -> {
            if (partner(ctx, frame) != null) {
                node.election().onHeartbeat(link, Heartbeat.decode(frame.payload()));
            }
        }
        case HANDOVER -> {
            if (partner(ctx, frame) != null) {
                node.election().onHandover(link, LinkProtocol.fromJson(frame, Handover.class));
            }
        }
        case FAILBACK_REQUEST -> {
            if (partner(ctx, frame) != null) {
                node.election().onFailbackRequest(link);
            }
        }
        case GOODBYE -> {
            if (link != null) {
                link.saidGoodbye(LinkProtocol.fromJson(frame, Goodbye.class));
                link.contact(System.nanoTime());
            }
        }
        case CHANNEL -> {
            PartnerLink from = partner(ctx, frame);
            if (from != null) {
                ChannelFrames.Message m = ChannelFrames.decodeMessage(frame.payload());
                from.contact(System.nanoTime());
                int size = m.body().length;
                node.listener().channelMessage(from.config.symbol(), m.channel(), m.body(),
                        () -> node.executeIfRunning(() -> from.consumed(m.channel(), size)));
            }
        }
        case CREDIT -> {
            if (partner(ctx, frame) != null) {
                link.credited(ChannelFrames.decodeCredit(frame.payload()));
            }
        }
        case ACTION_REQUEST -> {
            asked();
            if (!LinkProtocol.KIND_MONITOR.equals(kind)) {
                refuse(ctx, Failure.REJECTED, "an action is asked on a monitor connection (HELLO as monitor), not on a "
                        + kind + " connection");
            } else if (!node.security().mayOperate(fingerprint)) {
                refuse(ctx, Failure.REJECTED, "try-connect, verify, hand-over and deploy are for operators: the certificate SHA-256 "
                        + fingerprint + " is " + node.security().describe(fingerprint) + " on " + node.state().symbol()
                        + "; approve it with: scada-redundancy trust --data DIR --as operator " + fingerprint);
            } else {
                act(ctx, LinkProtocol.fromJson(frame, LinkProtocol.ActionRequest.class));
            }
        }
        case STATUS_REQUEST -> {
            asked();
            if (!LinkProtocol.KIND_MONITOR.equals(kind)) {
                refuse(ctx, Failure.REJECTED, "the status is for monitoring clients (HELLO as monitor with a certificate "
                        + "approved as monitor or operator), not for a " + kind + " connection");
            } else {
                sendStatus(ctx.channel());
            }
        }
        case VERIFY_REQUEST -> {
            asked();
            if (!node.security().mayMonitor(fingerprint) && !node.security().isPartner(fingerprint, node.state().config())) {
                refuse(ctx, Failure.REJECTED, "Verify is for partners and monitoring clients: the certificate SHA-256 "
                        + fingerprint + " is " + node.security().describe(fingerprint) + " on " + node.state().symbol()
                        + "; approve it with: scada-redundancy trust --data DIR --as monitor " + fingerprint);
            } else if (queueFull(ctx.channel())) {
                ctx.close();
            } else {
                ctx.writeAndFlush(new Frame(FrameType.VERIFY_RESPONSE, LinkProtocol.toJson(node.configView())));
            }
        }
        default -> refuse(ctx, Failure.NOT_A_REDUNDANCY_SERVER,
                "unexpected " + frame.type() + " frame from a " + kind + " connection");
        }
    }

    /** The partner this connection belongs to, or null after a REJECT: frames of the link are refused on any other kind of connection. */
    private PartnerLink partner(ChannelHandlerContext ctx, Frame frame) {
        if (link == null) {
            refuse(ctx, Failure.REJECTED, frame.type() + " is a frame of a partner's link, not of a " + kind + " connection");
        }
        return link;
    }

    private void accept(ChannelHandlerContext ctx, Hello hello) throws ProtocolException {
        int version = LinkProtocol.negotiate(hello);
        if (version < 0) {
            refuse(ctx, Failure.NOT_A_REDUNDANCY_SERVER, LinkProtocol.versionMismatch(hello));
            return;
        }
        if (hello.kind() == null) {
            throw new ProtocolException("HELLO without a kind");
        }
        fingerprint = LinkSecurity.peerFingerprint(ctx);
        if (LinkProtocol.KIND_SERVER.equals(hello.kind())) {
            String why = node.admission().partnerRefusal(ctx, hello);
            if (why != null) {
                refuse(ctx, Failure.REJECTED, why);
                return;
            }
            link = node.links().get(hello.symbol());
            node.election().checkPlausible(hello.term(), "HELLO");
            link.inboundAccepted(ctx.channel(), hello, version);
        } else if (LinkProtocol.KIND_MONITOR.equals(hello.kind())) {
            if (!node.security().mayMonitor(fingerprint)) {
                refuse(ctx, Failure.REJECTED, "the certificate SHA-256 " + fingerprint + " is "
                        + node.security().describe(fingerprint) + " on " + node.state().symbol()
                        + ", not a monitoring client's; approve it with: scada-redundancy trust --data DIR --as monitor "
                        + fingerprint + " (or --as operator to act too)");
                return;
            }
            node.board().addMonitor(ctx.channel());
        } else if (!LinkProtocol.KIND_PROBE.equals(hello.kind())) {
            throw new ProtocolException("HELLO of unknown kind \"" + LinkProtocol.peerName(hello.kind()) + "\"");
        }
        kind = hello.kind();
        helloTimer.cancel(false);
        node.admission().authenticated(ctx.channel());
        if (link == null) {
            asked();
            armIdle(ctx, clientIdleMs);
            // A client's answers are small: a small kernel buffer bounds what one that does not read
            // holds in this process, and lets its connection turn unwritable soon (then it is closed).
            ctx.channel().config().setOption(ChannelOption.SO_SNDBUF, CLIENT_SEND_BUFFER_BYTES);
        }
        ctx.writeAndFlush(new Frame(FrameType.WELCOME, LinkProtocol.toJson(node.hello(LinkProtocol.KIND_SERVER, version))));
    }

    /** An operator's action from an authenticated monitoring client; the result goes back on the same connection. */
    private void act(ChannelHandlerContext ctx, LinkProtocol.ActionRequest request) {
        Duration timeout = Duration.ofMillis(Math.max(100, Math.min(request.timeoutMs(), 60_000)));
        node.log("monitoring client " + ctx.channel().remoteAddress() + " asks: " + LinkProtocol.peerText(String.valueOf(request.action()), 40)
                + (request.partner() == null ? "" : " " + LinkProtocol.peerName(request.partner())));
        CompletionStage<?> result = switch (String.valueOf(request.action())) {
        case LinkProtocol.ACTION_TRY_TO_CONNECT -> node.tryToConnect(String.valueOf(request.partner()), timeout);
        case LinkProtocol.ACTION_VERIFY -> node.verify(String.valueOf(request.partner()), timeout);
        case LinkProtocol.ACTION_HAND_OVER -> node.handOver(timeout);
        case LinkProtocol.ACTION_DEPLOY -> node.deploy(request.deployment(), false);
        case LinkProtocol.ACTION_DEPLOY_CHECK -> node.deploy(request.deployment(), true);
        default -> CompletableFuture.failedFuture(new IllegalArgumentException(
                "unknown action \"" + LinkProtocol.peerText(String.valueOf(request.action()), 40) + "\""));
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

    /**
     * The status for a monitor, or (its connection not writable: it does not read) owed until it
     * is: however many requests and changes meanwhile, one status waits, never a queue of them.
     */
    private void sendStatus(Channel ch) {
        if (!ch.isWritable()) {
            ch.attr(StatusBoard.STATUS_OWED).set(Boolean.TRUE);
            if (queueFull(ch)) {
                ch.close();
            }
            return;
        }
        long sinceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastStatusNanos);
        if (statusSent && sinceMs < STATUS_MIN_INTERVAL_MS) {
            // Building a status costs the loop: a client asking in a tight loop gets one per interval.
            ch.attr(StatusBoard.STATUS_OWED).set(Boolean.TRUE);
            if (statusTimer == null) {
                statusTimer = node.loop().schedule(() -> {
                    statusTimer = null;
                    if (ch.isActive() && ch.attr(StatusBoard.STATUS_OWED).get() == Boolean.TRUE) {
                        sendStatus(ch);
                    }
                }, STATUS_MIN_INTERVAL_MS - sinceMs, TimeUnit.MILLISECONDS);
            }
            return;
        }
        statusSent = true;
        lastStatusNanos = System.nanoTime();
        ch.attr(StatusBoard.STATUS_OWED).set(Boolean.FALSE);
        ch.writeAndFlush(new Frame(FrameType.STATUS, StatusJson.toJson(node.board().build()).getBytes(StandardCharsets.UTF_8)));
    }

    /** True (and logged) when more than {@link #MAX_QUEUED_BYTES} wait to be sent to this client. */
    private boolean queueFull(Channel ch) {
        // A closed channel has no outbound buffer (Netty then says Long.MAX_VALUE bytes): nothing waits.
        if (!ch.isActive() || ch.isWritable() || ch.bytesBeforeWritable() <= MAX_QUEUED_BYTES) {
            return false;
        }
        node.admission().refused(ch.remoteAddress(), "a " + kind + " that does not read: more than " + MAX_QUEUED_BYTES
                + " bytes waited to be sent to it; closed");
        return true;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        if (link == null && kind != null && !REJECTED.equals(kind)) {
            if (ch.isWritable()) {
                PartnerLink.cancel(unwritableTimer);
                unwritableTimer = null;
                if (ch.attr(StatusBoard.STATUS_OWED).get() == Boolean.TRUE) {
                    sendStatus(ch);
                }
            } else if (unwritableTimer == null) {
                unwritableTimer = ctx.executor().schedule(() -> {
                    unwritableTimer = null;
                    if (!ch.isWritable() && ch.isActive()) {
                        node.admission().refused(ch.remoteAddress(), "a " + kind + " that does not read: its connection "
                                + "was not writable for " + UNWRITABLE_CLOSE_MS + " ms; closed");
                        ch.close();
                    }
                }, UNWRITABLE_CLOSE_MS, TimeUnit.MILLISECONDS);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** A client asked something: it is not idle. */
    private void asked() {
        lastRequestNanos = System.nanoTime();
    }

    private void armIdle(ChannelHandlerContext ctx, long delayMs) {
        idleTimer = ctx.executor().schedule(() -> {
            long idleMs = clientIdleMs;
            long quietMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastRequestNanos);
            if (!ctx.channel().isActive()) {
                return;
            }
            if (quietMs >= idleMs) {
                refuse(ctx, Failure.REJECTED, "idle: this " + kind + " connection asked nothing for " + quietMs
                        + " ms (a client asks at least every " + idleMs + " ms)");
            } else {
                armIdle(ctx, idleMs - quietMs);
            }
        }, Math.max(1, delayMs), TimeUnit.MILLISECONDS);
    }

    /**
     * Answers REJECT with the code and the exact reason, then closes; the refusal is logged once
     * per source and minute. The reason names the peer's text only cut short.
     */
    private void refuse(ChannelHandlerContext ctx, Failure code, String reason) {
        node.admission().refused(ctx.channel().remoteAddress(), reason);
        reject(ctx, code, reason);
    }

    /** REJECT and close, without a log line (the caller logged). */
    private void reject(ChannelHandlerContext ctx, Failure code, String reason) {
        kind = REJECTED;
        ctx.channel().attr(StatusBoard.STATUS_OWED).set(Boolean.FALSE);
        node.board().removeMonitor(ctx.channel());
        ctx.writeAndFlush(new Frame(FrameType.REJECT, LinkProtocol.toJson(new Reject(code.name(), reason))))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        PartnerLink.cancel(helloTimer);
        PartnerLink.cancel(idleTimer);
        PartnerLink.cancel(unwritableTimer);
        PartnerLink.cancel(statusTimer);
        node.board().removeMonitor(ctx.channel());
        if (link != null) {
            link.inboundClosed(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = LinkChannels.root(cause);
        if (REJECTED.equals(kind)) {
            ctx.close(); // told and logged once already: a flood of bad frames writes no more lines
            return;
        }
        if (!(root instanceof IOException) || link != null) {
            node.log("closing a connection from " + ctx.channel().remoteAddress() + ": " + LinkChannels.describe(cause));
        }
        if (link == null && root instanceof ProtocolException && ctx.channel().isActive()) {
            // The peer learns why, so that it does not guess (e.g. at a certificate problem).
            reject(ctx, kind == null ? Failure.NOT_A_REDUNDANCY_SERVER : Failure.REJECTED, LinkChannels.describe(cause));
            return;
        }
        kind = REJECTED;
        ctx.close();
    }
}
