package scada.redundancy.runtime.server.internal;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import scada.redundancy.model.IpAddresses;
import scada.redundancy.model.Partner;
import scada.redundancy.runtime.ConnectResult.Failure;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChangeCause;
import scada.redundancy.runtime.link.LinkProtocol.Goodbye;
import scada.redundancy.runtime.link.LinkProtocol.Hello;
import scada.redundancy.runtime.link.LinkProtocol.Reject;
import scada.redundancy.runtime.link.ChannelFrames;
import scada.redundancy.runtime.link.Frame;
import scada.redundancy.runtime.link.FrameType;
import scada.redundancy.runtime.link.Heartbeat;
import scada.redundancy.runtime.link.LinkChannels;
import scada.redundancy.runtime.link.LinkProtocol;

/**
 * The link to one partner and what this server knows of it: the outbound connection (ours, which
 * carries our heartbeats), the inbound one (theirs), retries and Fault, the Timeout deadline and
 * the crash probe. Loop-owned like the node. What the partner's news means for the role is the
 * {@link Election}'s business: the link reports heartbeats, losses and hand-overs to it.
 */
final class PartnerLink {
    /** After Retry Count failed reconnects the partner shows Fault and reconnects slow to this (or 10 x Timeout). */
    static final int SLOW_RETRY_MIN_MS = 30_000;
    /** Connects that test whether a reset partner's process is gone (see {@link #probeForCrash}). */
    static final int CRASH_PROBES = 10;
    /** Between two of them: the dying process's listener closes within a few ms of its connections. */
    static final int CRASH_PROBE_SPACING_MS = 15;

    private final RedundancyNode node;
    Partner config;
    Channel outbound;
    boolean outboundReady;
    Channel inbound;
    boolean alive;
    long lastHeardNanos = -1;
    long lastHeartbeatMillis = -1;
    long lastContactNanos = -1;
    long lostDetectedMillis = -1;
    /** When its link was last reset without a goodbye: the moment a crashed process died. */
    long resetNanos = -1;
    Role reportedRole;
    long reportedTerm = -1;
    /** The last term in which the partner was primary, from its heartbeats. */
    long reportedServedTerm;
    int reportedHealth = -1;
    long reportedPrimaryForMs;
    /** The partner hears a live primary other than us (protocol 3): we must not claim the role. */
    boolean reportedSeesPrimary;
    /**
     * Its host refused a connection to its port since we last heard it: nothing listens there,
     * its process is gone. A server proven down does not count towards the majority.
     */
    boolean provenDown;
    /** The protocol our connection to it speaks, and the one its connection to us speaks. */
    int protocol = LinkProtocol.OLDEST_VERSION;
    int inboundProtocol = LinkProtocol.OLDEST_VERSION;
    private long echoNanos;
    private long echoReceivedAtNanos;
    /**
     * The send time (our clock) of the newest of our heartbeats the partner has echoed: it had
     * heard this server by then, and what it sent with the echo is newer than that.
     */
    long echoedOwnNanos;
    boolean echoedOwn;
    double rttMs = -1;
    private long sequence;
    int retries;
    boolean fault;
    boolean faultFromHealth;
    String faultReason = "";
    scada.redundancy.runtime.Verification verified = scada.redundancy.runtime.Verification.NOT_CHECKED;
    String peerFingerprint = "";
    boolean goodbye;
    /**
     * Whether the partner was alive when this link was closed: a link restarted for a new port or
     * Symbol ({@link RedundancyNode#restartLinks}) is closed before its successor inherits from it,
     * and what was known of the partner must survive that (a backup that forgot its primary is
     * alive would claim the role at its next election).
     */
    private boolean aliveAtClose;
    boolean goodbyeStopping;
    boolean closed;
    private boolean crashProbeRunning;
    boolean failbackRequested;
    CompletableFuture<Void> handoverAck;
    private ScheduledFuture<?> heartbeatTimer;
    private ScheduledFuture<?> silenceTimer;
    private ScheduledFuture<?> reconnectTimer;
    ScheduledFuture<?> failbackTimer;
    final ChannelFlow channels;

    PartnerLink(RedundancyNode node, Partner config) {
        this.node = node;
        this.config = config;
        this.channels = new ChannelFlow(channel -> node.listener().channelWritable(config.symbol(), channel));
    }

    String symbol() {
        return config.symbol();
    }

    /** Channel messages are accepted exactly while the status says Connected. */
    void updateSendable() {
        channels.connected = alive && outboundReady && !closed;
    }

    boolean connected() {
        return alive && outboundReady;
    }

    InetSocketAddress remote() {
        return new InetSocketAddress(IpAddresses.parse(config.ipAddress()).orElseThrow(), config.port());
    }

    /** Our connection is up or being made: no second connect (two would race their HELLOs and heartbeats). */
    boolean outboundUp() {
        return outbound != null && outbound.isOpen();
    }

    // ---- channels ----

    void enqueue(String channel, byte[] message) {
        if (!outboundReady) {
            channels.unreserve(channel, message.length);
            return;
        }
        channels.enqueue(channel, message, outbound);
    }

    void drain() {
        if (outboundReady) {
            channels.drain(outbound);
        }
    }

    void credited(ChannelFrames.Credit c) {
        channels.credited(c, outboundReady ? outbound : null);
    }

    void consumed(String channel, int bytes) {
        long grant = channels.consumed(channel, bytes);
        if (grant > 0 && outboundReady) {
            send(ChannelFrames.credit(channel, (int) grant));
        }
    }

    // ---- connecting, retries and fault ----

    void connect() {
        if (closed || node.state().stopping() || outboundUp()) {
            return;
        }
        cancel(reconnectTimer);
        Bootstrap b = LinkChannels.client(node.io(), node.security().clientSsl(), () -> new OutboundHandler(node, this),
                Math.max(200, Math.min(config.timeoutMs(), 5000)), node.loop());
        ChannelFuture f = b.connect(remote(), new InetSocketAddress(node.settings().bindAddress(), 0));
        outbound = f.channel();
        f.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                node.loop().execute(() -> {
                    if (outbound == done.channel()) {
                        connectFailed(done.cause());
                    }
                });
            }
        });
    }

    /** One connection attempt failed (TCP, TLS or the handshake). */
    void connectFailed(Throwable cause) {
        if (closed) {
            return;
        }
        outbound = null;
        outboundReady = false;
        Failure kind = LinkChannels.classify(cause);
        String why = LinkChannels.describe(cause);
        if (kind == Failure.AUTHENTICATION_FAILED) {
            setFault("authentication failed: " + why, false);
        }
        if (kind == Failure.REFUSED && !alive) {
            provenDown = true;
        }
        retries++;
        // During the startup allowance a partner that does not answer may simply be starting
        // too: it is not a Fault yet (no alarm flash when a set starts), the retries go on.
        if (!fault && !node.state().starting() && retries > config.retryCount()) {
            setFault("no connection after " + config.retryCount() + (config.retryCount() == 1 ? " retry" : " retries")
                    + " (" + why + ")", false);
        }
        // A primary keeps trying every Period even after Fault while the partner is silent but not
        // proven down: it may be a second primary behind a cut cable, and the split must end as soon
        // as the cable is back. A partner whose host refuses (nothing listens) is retried slowly.
        boolean slow = fault && (node.state().role() != Role.PRIMARY || provenDown);
        scheduleReconnect(slow ? Math.max(SLOW_RETRY_MIN_MS, 10L * config.timeoutMs()) : config.periodMs());
        node.board().changed();
    }

    void scheduleReconnect(long delayMs) {
        cancel(reconnectTimer);
        if (!closed && !node.state().stopping() && config.activate()) {
            reconnectTimer = node.loop().schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    /** ms until the next background reconnect, or -1 if none is due. */
    long nextRetryInMs() {
        if (reconnectTimer == null || reconnectTimer.isDone() || outboundUp()) {
            return -1;
        }
        return Math.max(0, reconnectTimer.getDelay(TimeUnit.MILLISECONDS));
    }

    void resetRetries() {
        retries = 0;
        if (fault && !faultFromHealth) {
            clearFault();
        }
    }

    void setFault(String reason, boolean fromHealth) {
        if (!fault || !faultReason.equals(reason)) {
            node.log(config.symbol() + " shows Fault: " + reason);
        }
        fault = true;
        faultFromHealth = fromHealth || reason.startsWith("it reports itself unhealthy");
        faultReason = reason;
        node.board().changed();
    }

    void clearFault() {
        if (fault) {
            node.log(config.symbol() + " fault cleared");
        }
        fault = false;
        faultFromHealth = false;
        faultReason = "";
        node.board().changed();
    }

    /** Our outbound connection finished its handshake: heartbeats start. */
    void outboundWelcomed(Hello welcome, String fingerprint) {
        channels.reset();
        outboundReady = true;
        updateSendable();
        retries = 0;
        peerFingerprint = fingerprint;
        if (fault && !faultFromHealth) {
            clearFault();
        }
        node.log("connected to " + config.symbol() + " at " + config.ipAddress() + ":" + config.port() + " (it is "
                + welcome.role() + ", term " + welcome.term() + ", protocol " + protocol + ")");
        sendHeartbeat();
        startHeartbeats();
        node.board().changed();
    }

    void outboundRejected(Reject reject) {
        setFault(config.symbol() + " refused the link: " + reject.reason(), false);
    }

    /** Our outbound connection closed. */
    void outboundClosed(Channel ch) {
        if (ch != outbound) {
            return;
        }
        boolean wasReady = outboundReady;
        outbound = null;
        outboundReady = false;
        updateSendable();
        channels.reset();
        if (closed) {
            return;
        }
        if (wasReady) {
            node.log("link to " + config.symbol() + " closed" + (goodbye ? " (it said goodbye)" : ""));
            retries = 0;
            if (!goodbye) {
                probeForCrash();
            }
            scheduleReconnect(config.retryCount() == 0 ? 0 : config.periodMs());
            if (config.retryCount() == 0 && !fault) {
                setFault("link lost and Retry Count is 0", false);
            }
            node.board().changed();
        }
    }

    // ---- the partner's connection to us ----

    void inboundAccepted(Channel ch, Hello hello, int version) {
        if (inbound != null && inbound != ch) {
            inbound.close();
        }
        inbound = ch;
        inboundProtocol = version;
        goodbye = false;
        reportedTerm = Math.max(reportedTerm, hello.term());
        contact(System.nanoTime());
        if (!outboundUp()) {
            // It is back: reconnect at once rather than at the next slow retry.
            retries = 0;
            connect();
        }
    }

    void inboundClosed(Channel ch) {
        if (ch != inbound) {
            return;
        }
        inbound = null;
        if (closed) {
            return;
        }
        if (goodbye) {
            if (alive && goodbyeStopping) {
                node.election().onPartnerLost(this, RoleChangeCause.GRACEFUL_HANDOVER, "it stopped gracefully");
            }
            // a link restart (configuration change) is no loss: it reconnects, and Timeout still guards
        } else if (alive) {
            probeForCrash();
        }
    }

    /**
     * The partner was silent for its Timeout: its connections are as good as dead (a cut cable
     * leaves them open, and TCP would retry into them with ever longer pauses). Closed, so that
     * fresh connections are tried every Period and the first one through after a heal carries the
     * news at once.
     */
    void abandonConnections() {
        for (Channel ch : new Channel[] { outbound, inbound }) {
            if (ch != null) {
                ch.close();
            }
        }
    }

    void saidGoodbye(Goodbye bye) {
        goodbye = true;
        goodbyeStopping = bye.stopping();
    }

    /**
     * The partner's link was reset without a goodbye. If its host now refuses a plain TCP
     * connect, nothing listens on its port: its process is gone, which is proof enough to act
     * at once. Any other outcome (accepted, no answer) proves nothing; the Timeout decides.
     */
    void probeForCrash() {
        if (crashProbeRunning || !alive) {
            return;
        }
        crashProbeRunning = true;
        resetNanos = System.nanoTime();
        probe(1);
    }

    /**
     * One plain TCP connect to the partner's port. A dying process's kernel closes its
     * connections and its listening socket one after the other: a probe right after the reset
     * can still land in the dying listener's backlog and prove nothing, so an inconclusive
     * probe is repeated every 15 ms, for up to 135 ms, before the Timeout is left to decide.
     */
    private void probe(int attempt) {
        new Bootstrap().group(node.io()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(100, config.timeoutMs()))
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close(); // a probe that lands in a dying listener is reset: that is its answer, not an error
                    }
                })
                .connect(remote(), new InetSocketAddress(node.settings().bindAddress(), 0))
                .addListener((ChannelFutureListener) f -> node.loop().execute(() -> {
                    if (f.isSuccess()) {
                        f.channel().close();
                    }
                    if (closed || !alive) {
                        crashProbeRunning = false;
                        return;
                    }
                    if (!f.isSuccess() && LinkChannels.classify(f.cause()) == Failure.REFUSED) {
                        crashProbeRunning = false;
                        provenDown = true;
                        node.election().onPartnerLost(this, RoleChangeCause.CONNECTION_REFUSED,
                                "its link was reset and " + config.ipAddress() + ":" + config.port()
                                        + " refuses connections: its process is gone");
                    } else if (attempt < CRASH_PROBES) {
                        node.loop().schedule(() -> probe(attempt + 1), CRASH_PROBE_SPACING_MS, TimeUnit.MILLISECONDS);
                    } else {
                        crashProbeRunning = false;
                    }
                }));
    }

    // ---- heartbeats ----

    void heard(Heartbeat hb, long now) {
        alive = true;
        updateSendable();
        goodbye = false;
        goodbyeStopping = false;
        reportedRole = hb.role();
        reportedTerm = Math.max(reportedTerm, hb.term());
        reportedServedTerm = hb.servedTerm();
        reportedHealth = hb.health();
        reportedPrimaryForMs = hb.primaryForMs();
        reportedSeesPrimary = hb.seesPrimary();
        lastHeartbeatMillis = System.currentTimeMillis();
        contact(now);
        echoNanos = hb.sentNanos();
        echoReceivedAtNanos = now;
        if (hb.echoNanos() != 0) {
            if (!echoedOwn || hb.echoNanos() - echoedOwnNanos > 0) {
                echoedOwnNanos = hb.echoNanos();
                echoedOwn = true;
            }
            long rtt = now - hb.echoNanos() - hb.echoHoldNanos();
            if (rtt >= 0 && rtt < TimeUnit.SECONDS.toNanos(60)) {
                rttMs = rtt / 1_000_000.0;
            }
        }
    }

    /** Any frame from the partner: it is alive now; arm the Timeout deadline. */
    void contact(long now) {
        provenDown = false;
        lastHeardNanos = now;
        lastContactNanos = now;
        if (silenceTimer == null || silenceTimer.isDone()) {
            armSilence(TimeUnit.MILLISECONDS.toNanos(config.timeoutMs()));
        }
    }

    /** The Timeout deadline passed: silent if nothing arrived since; else re-arm for the rest. */
    private void checkSilence() {
        if (closed || lastHeardNanos < 0) {
            return;
        }
        long now = System.nanoTime();
        long silentNanos = now - lastHeardNanos;
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.timeoutMs());
        StallGuard stall = node.stallGuard();
        long overdue = stall.overdueMs(now);
        if (overdue > 0 && !stall.inGrace()) {
            stall.onStall(overdue); // the watchdog tick is overdue: this process did not run, the silence may be ours
        }
        if (stall.inGrace()) {
            // This process was frozen: read what piled up before believing the silence.
            armSilence(stall.graceLeftNanos(now));
            return;
        }
        if (silentNanos >= timeoutNanos) {
            node.election().onPartnerLost(this, RoleChangeCause.TIMEOUT, "no heartbeat for " + config.timeoutMs() + " ms");
        } else {
            armSilence(timeoutNanos - silentNanos);
        }
    }

    private void armSilence(long delayNanos) {
        silenceTimer = node.loop().schedule(this::checkSilence, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Heartbeats every Period for as long as the link exists, on whichever connection is up. */
    void startHeartbeats() {
        cancel(heartbeatTimer);
        heartbeatTimer = node.loop().scheduleAtFixedRate(this::sendHeartbeat, config.periodMs(), config.periodMs(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Sends a heartbeat on our connection, or, while ours is down and the partner's connection to
     * us speaks protocol 3, back on its connection: after a partition heals, each side learns the
     * other's role and term from the first frame either way, not after its own reconnect.
     */
    void sendHeartbeat() {
        Channel via;
        int version;
        if (outboundReady && outbound != null) {
            via = outbound;
            version = protocol;
        } else if (inbound != null && inbound.isActive() && inboundProtocol >= 3) {
            via = inbound;
            version = inboundProtocol;
        } else {
            return;
        }
        NodeState state = node.state();
        long now = System.nanoTime();
        long primaryFor = state.role() == Role.PRIMARY ? TimeUnit.NANOSECONDS.toMillis(now - state.primarySinceNanos()) : 0;
        Heartbeat hb = new Heartbeat(state.announcedRole(), state.term(), ++sequence, state.health(), primaryFor,
                state.servedTerm(), now, echoNanos, echoNanos == 0 ? 0 : now - echoReceivedAtNanos,
                node.election().seesLivePrimaryOtherThan(this));
        // Heartbeats are never queued behind bulk traffic: written and flushed directly.
        via.writeAndFlush(new Frame(FrameType.HEARTBEAT, hb.encode(version)));
    }

    void send(Frame frame) {
        if (outboundReady && outbound != null) {
            outbound.writeAndFlush(frame);
        }
    }

    /** Takes over what a replaced link knew of the same partner, and its Timeout deadline. */
    void inherit(PartnerLink old) {
        alive = old.closed ? old.aliveAtClose : old.alive;
        reportedRole = old.reportedRole;
        reportedTerm = old.reportedTerm;
        reportedServedTerm = old.reportedServedTerm;
        reportedHealth = old.reportedHealth;
        reportedPrimaryForMs = old.reportedPrimaryForMs;
        lastHeartbeatMillis = old.lastHeartbeatMillis;
        lastContactNanos = old.lastContactNanos;
        rttMs = old.rttMs;
        if (!config.activate()) {
            // A row switched off carries no news any more. What was known of a partner that serves
            // stays true: a server never claims the role because a row was switched off (with two
            // servers that would be a lasting split brain); anything else it knew is dropped.
            alive = (old.closed ? old.aliveAtClose : old.alive) && old.reportedRole == Role.PRIMARY;
            lastHeardNanos = old.lastHeardNanos;
            updateSendable();
            return;
        }
        updateSendable();
        if (alive && old.lastHeardNanos >= 0) {
            // A row switched on again: what was kept while it was off gets a full Timeout from now
            // to be confirmed or refuted, not one counted from the last heartbeat before it went off.
            lastHeardNanos = old.config.activate() ? old.lastHeardNanos : System.nanoTime();
            long left = TimeUnit.MILLISECONDS.toNanos(config.timeoutMs()) - (System.nanoTime() - lastHeardNanos);
            armSilence(Math.max(0, left));
        }
    }

    /** A changed Period, Timeout, Retry Count or comment: applied to the running link. */
    void update(Partner next) {
        boolean newPeriod = next.periodMs() != config.periodMs();
        config = next;
        if (newPeriod && heartbeatTimer != null) {
            startHeartbeats();
        }
        if (lastHeardNanos >= 0) {
            cancel(silenceTimer);
            long left = TimeUnit.MILLISECONDS.toNanos(config.timeoutMs()) - (System.nanoTime() - lastHeardNanos);
            armSilence(Math.max(0, left));
        }
    }

    void close(String reason, boolean stopping) {
        closed = true;
        aliveAtClose = alive;
        channels.connected = false;
        cancel(heartbeatTimer);
        cancel(silenceTimer);
        cancel(reconnectTimer);
        cancel(failbackTimer);
        byte[] bye = LinkProtocol.toJson(new Goodbye(reason, stopping));
        for (Channel ch : new Channel[] { outbound, inbound }) {
            if (ch != null && ch.isActive()) {
                ch.writeAndFlush(new Frame(FrameType.GOODBYE, bye)).addListener(ChannelFutureListener.CLOSE);
            }
        }
        alive = false;
    }

    static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
