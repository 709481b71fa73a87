package scada.redundancy.runtime.link;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.ClosedChannelException;
import java.util.function.Supplier;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import scada.redundancy.runtime.ConnectResult.Failure;

/** The pipeline every link connection shares, and the words for what went wrong on one. */
public final class LinkChannels {
    /** Bulk traffic stops being queued above this, so a heartbeat never waits behind much. */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    /**
     * The kernel's send buffer of our connection to a partner. Channel traffic stops at the water
     * mark above, but a socket buffer left to the kernel's autotuning grows to megabytes, and a
     * heartbeat written behind them waits for all of it: bounded, a heartbeat never waits behind
     * more than this much bulk (about 2 ms at 1 Gbit/s).
     */
    public static final int PARTNER_SEND_BUFFER_BYTES = 256 * 1024;

    private LinkChannels() {
    }

    /**
     * TLS, then length-prefixed frames, then the given handler.
     *
     * @param handlerThread where the handler runs (the redundancy loop), while TLS and framing run
     *                      on the channel's I/O thread: a flood of handshakes never stalls the loop;
     *                      null: the channel's own thread
     * @param admit         asked first for every new channel; false closes it at once
     */
    public static ChannelInitializer<Channel> initializer(SslContext ssl, Supplier<ChannelHandler> handler,
            io.netty.util.concurrent.EventExecutorGroup handlerThread, java.util.function.Predicate<Channel> admit) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (!admit.test(ch)) {
                    ch.close();
                    return;
                }
                ChannelPipeline p = ch.pipeline();
                SslHandler tls = ssl.newHandler(ch.alloc());
                tls.setHandshakeTimeoutMillis(LinkProtocol.HANDSHAKE_TIMEOUT_MS);
                p.addLast("tls", tls);
                p.addLast("frames", new LengthFieldBasedFrameDecoder(LinkProtocol.MAX_FRAME_BYTES, 0, 4, 0, 4));
                p.addLast("length", new LengthFieldPrepender(4));
                p.addLast("codec", new FrameCodec());
                p.addLast(handlerThread, "link", handler.get());
            }
        };
    }

    /** A client bootstrap for link connections from {@code localAddress} (null: any). */
    public static Bootstrap client(EventLoopGroup group, SslContext ssl, Supplier<ChannelHandler> handler, int connectTimeoutMs) {
        return client(group, ssl, handler, connectTimeoutMs, null);
    }

    /** @param handlerThread see {@link #initializer(SslContext, Supplier, io.netty.util.concurrent.EventExecutorGroup, java.util.function.Predicate)} */
    public static Bootstrap client(EventLoopGroup group, SslContext ssl, Supplier<ChannelHandler> handler, int connectTimeoutMs,
            io.netty.util.concurrent.EventExecutorGroup handlerThread) {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.SO_SNDBUF, PARTNER_SEND_BUFFER_BYTES)
                .handler(initializer(ssl, handler, handlerThread, ch -> true));
    }

    /** Classifies a connection failure for Try To Connect and the status. */
    public static Failure classify(Throwable t) {
        Throwable c = root(t);
        if (c instanceof ConnectTimeoutException || c instanceof java.net.SocketTimeoutException) {
            return Failure.TIMED_OUT;
        }
        if (c instanceof ConnectException && String.valueOf(c.getMessage()).contains("refused")) {
            return Failure.REFUSED;
        }
        if (c instanceof NoRouteToHostException || c instanceof ConnectException) {
            return Failure.UNREACHABLE;
        }
        if (c instanceof SSLHandshakeException && String.valueOf(c.getMessage()).contains("not trusted")) {
            return Failure.AUTHENTICATION_FAILED;
        }
        if (c instanceof SSLException || c instanceof TooLongFrameException || c instanceof ProtocolException
                || c instanceof DecoderException) {
            return c.getMessage() != null && (c.getMessage().contains("certificate") || c.getMessage().contains("bad_certificate")
                    || c.getMessage().contains("certificate_unknown")) ? Failure.AUTHENTICATION_FAILED
                            : Failure.NOT_A_REDUNDANCY_SERVER;
        }
        if (c instanceof ClosedChannelException) {
            return Failure.NOT_A_REDUNDANCY_SERVER;
        }
        return Failure.UNREACHABLE;
    }

    /** What went wrong, in a few plain words (bounded: a peer's text in it is cut short). */
    public static String describe(Throwable t) {
        Throwable c = root(t);
        String m = c.getMessage();
        if (c instanceof TooLongFrameException) {
            return "frame longer than " + LinkProtocol.MAX_FRAME_BYTES + " bytes";
        }
        return m == null ? c.getClass().getSimpleName() : LinkProtocol.peerText(m.replaceAll("\\s+", " "), 300);
    }

    public static Throwable root(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c
                && (c instanceof DecoderException || c instanceof io.netty.handler.codec.EncoderException
                        || (c instanceof SSLException && c.getCause() instanceof java.security.cert.CertificateException)
                        || c instanceof java.util.concurrent.CompletionException)) {
            c = c.getCause();
        }
        return c;
    }
}
