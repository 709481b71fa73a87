package scada.redundancy.runtime.link;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import scada.redundancy.runtime.ConnectResult;
import scada.redundancy.runtime.ConnectResult.Failure;
import scada.redundancy.runtime.link.LinkProtocol.ConfigView;
import scada.redundancy.runtime.link.LinkProtocol.Hello;
import scada.redundancy.runtime.link.LinkProtocol.Reject;

/**
 * Short conversations with a redundancy server on its port, over the same authenticated link:
 * Try To Connect (a probe), fetching its configuration for Verify, reading its status, and
 * following its status as a monitoring client. Used by the runtime, the command line and the
 * studio alike, so all of them report failures with the same precise words.
 */
public final class LinkClient {
    private final EventLoopGroup group;
    private final SslContext ssl;
    private final String bindAddress;
    private final int timeoutMs;
    /** How often {@link #follow} asks for the status again (a server closes a monitor idle for 10 minutes). */
    public static final long FOLLOW_REFRESH_MS = TimeUnit.MINUTES.toMillis(2);

    /**
     * @param bindAddress the local address to connect from, or null for any
     */
    public LinkClient(EventLoopGroup group, SslContext ssl, String bindAddress, int timeoutMs) {
        this.group = group;
        this.ssl = ssl;
        this.bindAddress = bindAddress;
        this.timeoutMs = timeoutMs;
    }

    /** Try To Connect: TCP, TLS, HELLO, WELCOME; the result says precisely what happened. */
    public CompletableFuture<ConnectResult> probe(InetSocketAddress remote, Hello hello) {
        CompletableFuture<ConnectResult> result = new CompletableFuture<>();
        long started = System.nanoTime();
        converse(remote, hello, null, FrameType.WELCOME, (welcome, frame) -> {
            double rtt = (System.nanoTime() - started) / 1e6;
            result.complete(new ConnectResult(true, welcome.symbol(), welcome.role(), welcome.term(),
                    welcome.product() + " (protocol " + welcome.protocol() + ")", rtt, null,
                    "connected to " + welcome.symbol() + " (" + welcome.role() + ", term " + welcome.term() + ") in "
                            + String.format(java.util.Locale.ROOT, "%.1f", rtt) + " ms"));
        }, failure -> result.complete(failure));
        return result;
    }

    /** Verify: the partner's configuration view. */
    public CompletableFuture<ConfigView> fetchConfigView(InetSocketAddress remote, Hello hello) {
        CompletableFuture<ConfigView> result = new CompletableFuture<>();
        converse(remote, hello, Frame.empty(FrameType.VERIFY_REQUEST), FrameType.VERIFY_RESPONSE, (welcome, frame) -> {
            try {
                result.complete(LinkProtocol.fromJson(frame, ConfigView.class));
            } catch (ProtocolException e) {
                result.completeExceptionally(e);
            }
        }, failure -> result.completeExceptionally(new IllegalStateException(failure.detail())));
        return result;
    }

    /**
     * Asks the server to act (try-to-connect, verify, hand-over, deploy) and returns its answer.
     * When there is no answer, the future fails with a {@link ConversationFailed} that says why
     * (refused, unreachable, ...).
     */
    public CompletableFuture<LinkProtocol.ActionResult> act(InetSocketAddress remote, Hello hello,
            LinkProtocol.ActionRequest request) {
        CompletableFuture<LinkProtocol.ActionResult> result = new CompletableFuture<>();
        byte[] payload = LinkProtocol.toJson(request);
        if (payload.length + 1 + 4 > LinkProtocol.MAX_FRAME_BYTES) {
            // The server would close the connection at the length prefix, without a word: say it here.
            result.completeExceptionally(new IllegalArgumentException("the " + request.action() + " request is "
                    + payload.length + " bytes; the redundancy link carries at most " + LinkProtocol.MAX_FRAME_BYTES
                    + " bytes in one frame"));
            return result;
        }
        converse(remote, hello, new Frame(FrameType.ACTION_REQUEST, payload), FrameType.ACTION_RESULT,
                (welcome, frame) -> {
                    try {
                        result.complete(LinkProtocol.fromJson(frame, LinkProtocol.ActionResult.class));
                    } catch (ProtocolException e) {
                        result.completeExceptionally(e);
                    }
                }, failure -> result.completeExceptionally(new ConversationFailed(failure)));
        return result;
    }

    /** A conversation that got no answer: why, as Try To Connect would say it. */
    public static final class ConversationFailed extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final transient ConnectResult result;

        public ConversationFailed(ConnectResult result) {
            super(result.detail());
            this.result = result;
        }

        public ConnectResult result() {
            return result;
        }
    }

    /** The server's status as JSON. */
    public CompletableFuture<String> fetchStatus(InetSocketAddress remote, Hello hello) {
        CompletableFuture<String> result = new CompletableFuture<>();
        converse(remote, hello, Frame.empty(FrameType.STATUS_REQUEST), FrameType.STATUS,
                (welcome, frame) -> result.complete(new String(frame.payload(), StandardCharsets.UTF_8)),
                failure -> result.completeExceptionally(new IllegalStateException(failure.detail())));
        return result;
    }

    /**
     * Follows a server's status: {@code onStatus} gets the JSON at once and at every change;
     * {@code onEnd} is told why the subscription ended (connection lost, refused, ...). Returns a
     * handle that closes the subscription.
     */
    public AutoCloseable follow(InetSocketAddress remote, Hello hello, Consumer<String> onStatus, Consumer<String> onEnd) {
        CompletableFuture<io.netty.channel.Channel> channel = new CompletableFuture<>();
        // onEnd hears the first reason only: a REJECT's words, not the close that follows it.
        CompletableFuture<String> ended = new CompletableFuture<>();
        ended.thenAccept(onEnd);
        ChannelFuture f = connect(remote, new ChannelInboundHandlerAdapter() {
            private boolean welcomed;
            private io.netty.util.concurrent.ScheduledFuture<?> refresh;

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                    ctx.writeAndFlush(new Frame(FrameType.HELLO, LinkProtocol.toJson(hello)));
                }
                ctx.fireUserEventTriggered(evt);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                Frame frame = (Frame) msg;
                if (frame.type() == FrameType.WELCOME) {
                    welcomed = true;
                    ctx.writeAndFlush(Frame.empty(FrameType.STATUS_REQUEST));
                    // Pushes are not requests: a server closes a monitor that asks nothing for a
                    // long time (10 minutes), so a follower asks again now and then.
                    refresh = ctx.executor().scheduleAtFixedRate(() -> ctx.writeAndFlush(Frame.empty(FrameType.STATUS_REQUEST)),
                            FOLLOW_REFRESH_MS, FOLLOW_REFRESH_MS, TimeUnit.MILLISECONDS);
                } else if (frame.type() == FrameType.STATUS) {
                    onStatus.accept(new String(frame.payload(), StandardCharsets.UTF_8));
                } else if (frame.type() == FrameType.REJECT) {
                    ended.complete(rejection(frame).detail());
                    ctx.close();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (refresh != null) {
                    refresh.cancel(false);
                }
                ended.complete(welcomed ? "the connection to the runtime was lost" : "the runtime closed the connection");
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ended.complete(failed(cause).detail());
                ctx.close();
            }
        });
        f.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                ended.complete(failed(done.cause()).detail());
            }
        });
        channel.complete(f.channel());
        return () -> f.channel().close();
    }

    /** One conversation: HELLO, optional request, wait for one frame type, close. */
    private void converse(InetSocketAddress remote, Hello hello, Frame request, FrameType awaited,
            java.util.function.BiConsumer<Hello, Frame> onAnswer, Consumer<ConnectResult> onFailure) {
        CompletableFuture<Void> finished = new CompletableFuture<>();
        ChannelFuture f = connect(remote, new ChannelInboundHandlerAdapter() {
            private Hello welcome;

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof SslHandshakeCompletionEvent done) {
                    if (done.isSuccess()) {
                        ctx.writeAndFlush(new Frame(FrameType.HELLO, LinkProtocol.toJson(hello)));
                    } else {
                        fail(ctx, done.cause());
                    }
                }
                ctx.fireUserEventTriggered(evt);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                Frame frame = (Frame) msg;
                if (frame.type() == FrameType.REJECT) {
                    if (finished.complete(null)) {
                        onFailure.accept(rejection(frame));
                    }
                    ctx.close();
                    return;
                }
                if (frame.type() == FrameType.WELCOME) {
                    welcome = LinkProtocol.fromJson(frame, Hello.class);
                    if (LinkProtocol.negotiate(welcome) < 0) {
                        if (finished.complete(null)) {
                            onFailure.accept(ConnectResult.failed(Failure.NOT_A_REDUNDANCY_SERVER,
                                    remote + ": " + LinkProtocol.versionMismatch(welcome)));
                        }
                        ctx.close();
                        return;
                    }
                    if (request != null) {
                        ctx.writeAndFlush(request);
                        return;
                    }
                }
                if (frame.type() == awaited && welcome != null && finished.complete(null)) {
                    onAnswer.accept(welcome, frame);
                    ctx.close();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (finished.complete(null)) {
                    onFailure.accept(welcome != null
                            ? ConnectResult.failed(Failure.NOT_A_REDUNDANCY_SERVER, remote
                                    + " closed the connection without answering (it sent no REJECT with a reason)")
                            : ConnectResult.failed(Failure.NOT_A_REDUNDANCY_SERVER,
                                    remote + " closed the connection before the handshake finished: it is not a redundancy "
                                            + "server, or it does not trust this side's certificate"));
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                fail(ctx, cause);
            }

            private void fail(ChannelHandlerContext ctx, Throwable cause) {
                if (finished.complete(null)) {
                    onFailure.accept(failed(cause));
                }
                ctx.close();
            }
        });
        f.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess() && finished.complete(null)) {
                onFailure.accept(failed(done.cause()));
            }
        });
        io.netty.util.concurrent.ScheduledFuture<?> limit = f.channel().eventLoop().schedule(() -> {
            if (finished.complete(null)) {
                onFailure.accept(ConnectResult.failed(Failure.TIMED_OUT,
                        remote + " did not answer within " + timeoutMs + " ms (host down, cable cut, or a firewall "
                                + "dropping packets)"));
            }
            f.channel().close();
        }, timeoutMs, TimeUnit.MILLISECONDS);
        finished.whenComplete((v, e) -> limit.cancel(false));
    }

    private ChannelFuture connect(InetSocketAddress remote, ChannelInboundHandlerAdapter handler) {
        io.netty.bootstrap.Bootstrap b = LinkChannels.client(group, ssl, () -> handler, timeoutMs);
        return bindAddress == null ? b.connect(remote) : b.connect(remote, new InetSocketAddress(bindAddress, 0));
    }

    private static ConnectResult rejection(Frame frame) {
        try {
            Reject r = LinkProtocol.fromJson(frame, Reject.class);
            Failure kind;
            try {
                kind = Failure.valueOf(r.code());
            } catch (IllegalArgumentException | NullPointerException e) {
                kind = Failure.REJECTED;
            }
            return ConnectResult.failed(kind, "refused: " + r.reason());
        } catch (ProtocolException e) {
            return ConnectResult.failed(Failure.NOT_A_REDUNDANCY_SERVER, e.getMessage());
        }
    }

    public static ConnectResult failed(Throwable cause) {
        Failure kind = LinkChannels.classify(cause);
        String why = LinkChannels.describe(cause);
        String detail = switch (kind) {
        case REFUSED -> "connection refused: nothing listens on that port (the server is not running, or its "
                + "redundancy is off, or the port is wrong)";
        case TIMED_OUT -> "no answer: " + why + " (host down, cable cut, or a firewall dropping packets)";
        case AUTHENTICATION_FAILED -> "authentication failed: " + why
                + " (approve the certificate's fingerprint on both servers, or pin it in the partner row)";
        case NOT_A_REDUNDANCY_SERVER -> "not a redundancy server (or another protocol version): " + why;
        case UNREACHABLE -> "unreachable: " + why;
        case REJECTED -> "refused: " + why;
        };
        return ConnectResult.failed(kind, detail);
    }
}
