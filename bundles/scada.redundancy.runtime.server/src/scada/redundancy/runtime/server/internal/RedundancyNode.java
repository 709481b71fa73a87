package scada.redundancy.runtime.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.IpAddresses;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.ValidationContext;
import scada.redundancy.model.ValidationReport;
import scada.redundancy.runtime.ConnectResult;
import scada.redundancy.runtime.ConnectResult.Failure;
import scada.redundancy.runtime.PartnerChannels;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleChangeCause;
import scada.redundancy.runtime.VerifyResult;
import scada.redundancy.runtime.link.LinkProtocol.ConfigView;
import scada.redundancy.runtime.link.LinkProtocol.Hello;
import scada.redundancy.runtime.link.ChannelFrames;
import scada.redundancy.runtime.link.ConfigurationComparison;
import scada.redundancy.runtime.link.Fingerprints;
import scada.redundancy.runtime.link.LinkChannels;
import scada.redundancy.runtime.link.LinkClient;
import scada.redundancy.runtime.link.LinkProtocol;

/**
 * One server of a redundancy set. The node owns the redundancy loop (one Netty event-loop
 * thread) and routes what happens to its rooms, each of which owns its own state on that loop:
 * <ul>
 * <li>{@link NodeState}: configuration, role, term, served term, health;</li>
 * <li>{@link PartnerLinks} / {@link PartnerLink}: the connections to each partner, retries,
 * Fault, heartbeats, silence and the crash probe; {@link ChannelFlow}: their channel traffic;</li>
 * <li>{@link LinkSecurity} and {@link LinkAdmission}: identity, trust, who may connect;</li>
 * <li>{@link Election}: who is primary, terms, hand-over, fail-back, health;</li>
 * <li>{@link StallGuard}: noticing that this process did not run;</li>
 * <li>{@link StatusBoard}: the status and the monitoring clients;</li>
 * <li>{@link Reconfiguration}: a new configuration put in force on the running node.</li>
 * </ul>
 * Network events, timers and operator actions are all events on the loop, so the state needs no
 * lock and every decision sees a consistent picture. Listeners (role, status) are told through
 * the {@link Listener}, which must hand the news to another thread at once.
 */
public final class RedundancyNode {
    /** A health below this is unhealthy (see {@link scada.redundancy.runtime.HealthReporter}). */
    public static final int HEALTH_THRESHOLD = NodeState.HEALTH_THRESHOLD;

    /** Told of changes on the loop thread; must return at once. */
    public interface Listener {
        /** @return completes once role-aware services have followed (e.g. PrimaryRole unregistered) */
        CompletionStage<Void> roleChanged(RoleChange change, Role role, long term);

        void statusChanged(RedundancyStatus status);

        void log(String line);

        /**
         * A channel message from a partner; call {@code consumed} once it is handled, which lets
         * the partner send more on that channel. Must return at once (hand it to another thread).
         */
        default void channelMessage(String partner, String channel, byte[] message, Runnable consumed) {
            consumed.run();
        }

        /** The send queue of {@code channel} to {@code partner} has room again. Must return at once. */
        default void channelWritable(String partner, String channel) {
        }
    }

    /**
     * Where and how this server runs.
     *
     * @param bindAddress the IP address to listen on and to connect from
     * @param dataDir     the term, the link identity and approved certificates
     * @param projectDir  the SCADA project whose fingerprint the partners compare, or null
     * @param contributions what other bundles add to the status (the component binds them)
     */
    public record Settings(String bindAddress, Path dataDir, Path projectDir, StatusContributions contributions) {
        /** Without contributions: the Database columns say "not installed". */
        public Settings(String bindAddress, Path dataDir, Path projectDir) {
            this(bindAddress, dataDir, projectDir, new StatusContributions());
        }
    }

    private final Settings settings;
    private final Listener listener;
    /** The redundancy loop: one thread that owns every decision (see the class comment). */
    private final EventLoopGroup group;
    private final EventLoop loop;
    /** Sockets, TLS and framing: a flood of handshakes or a slow peer costs these threads, never the loop. */
    private final EventLoopGroup io;
    private final String projectFingerprint;
    private final NodeState state;
    private final LinkSecurity security;
    private final LinkAdmission admission = new LinkAdmission(this);
    private final PartnerLinks links = new PartnerLinks();
    private final StallGuard stallGuard = new StallGuard(this);
    private final StatusBoard board = new StatusBoard(this);
    private final Reconfiguration reconfiguration = new Reconfiguration(this);
    private final Election election;
    /** Where deployments are applied; set by the component that knows the configuration file. */
    private volatile DeploymentReceiver deployments;
    // loop-owned
    private Channel listenerChannel;
    private ScheduledFuture<?> allowanceTimer;

    private RedundancyNode(Settings settings, RedundancyConfiguration config, Listener listener) throws IOException {
        this.settings = settings;
        this.listener = listener;
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("duplex-link-" + config.thisScada().symbol(), true));
        this.loop = group.next();
        settings.contributions().refreshOn(loop, board::changed);
        this.io = new NioEventLoopGroup(2, new DefaultThreadFactory("duplex-io-" + config.thisScada().symbol(), true));
        try {
            this.security = new LinkSecurity(settings.dataDir(), config.thisScada().symbol(), config,
                    fingerprint -> loop.execute(() -> certificateRefused(fingerprint)));
            TermStore term = new TermStore(settings.dataDir());
            TermStore served = new TermStore(settings.dataDir(), TermStore.SERVED_FILE);
            this.state = new NodeState(loop, term, served, listener, config, Fingerprints.ofSet(config, settings.bindAddress()));
            this.election = new Election(this, new TermDisk(term, served, loop));
            this.projectFingerprint = Fingerprints.ofProject(settings.projectDir());
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Starts a node with a configuration that must be free of validation errors.
     *
     * @throws IllegalArgumentException with every error when the configuration has any
     */
    public static RedundancyNode start(Settings settings, RedundancyConfiguration config, Listener listener)
            throws IOException {
        requireValid(config, settings.bindAddress());
        RedundancyNode node = new RedundancyNode(settings, config, listener);
        try {
            node.onLoop(() -> {
                node.board.build();
                return node.startRedundancy();
            }).thenCompose(f -> f).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            node.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            node.io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("the redundancy service could not start: " + cause.getMessage(), cause);
        }
        return node;
    }

    static void requireValid(RedundancyConfiguration config, String bindAddress) {
        ValidationReport report = validate(config, bindAddress);
        if (report.hasErrors()) {
            StringBuilder b = new StringBuilder("the configuration has errors:");
            report.errors().forEach(p -> b.append("\n  ").append(p.path()).append(": ").append(p.message()).append(' ')
                    .append(p.howToFix()));
            throw new IllegalArgumentException(b.toString());
        }
    }

    /** The configuration's problems as a server bound to {@code bindAddress} sees them. */
    static ValidationReport validate(RedundancyConfiguration config, String bindAddress) {
        return ConfigurationValidator.validate(config, ValidationContext.boundTo(IpAddresses.parse(bindAddress).orElseThrow(
                () -> new IllegalArgumentException(bindAddress + " is not an IP address to bind to"))));
    }

    /** The configuration's problems as this server sees them (its own address known). */
    public ValidationReport validate(RedundancyConfiguration config) {
        return validate(config, settings.bindAddress());
    }

    private void certificateRefused(String fingerprint) {
        board.certificateRefused(fingerprint);
    }

    // =====================================================================================
    // The rooms, for each other (package-private)
    // =====================================================================================

    Settings settings() {
        return settings;
    }

    Listener listener() {
        return listener;
    }

    EventLoopGroup group() {
        return group;
    }

    EventLoop loop() {
        return loop;
    }

    EventLoopGroup io() {
        return io;
    }

    NodeState state() {
        return state;
    }

    LinkSecurity security() {
        return security;
    }

    LinkAdmission admission() {
        return admission;
    }

    PartnerLinks links() {
        return links;
    }

    StallGuard stallGuard() {
        return stallGuard;
    }

    StatusBoard board() {
        return board;
    }

    Election election() {
        return election;
    }

    // =====================================================================================
    // Life cycle
    // =====================================================================================

    /** Starts redundancy: listen (asynchronously), then connect to the partners and start the allowance. */
    CompletableFuture<Void> startRedundancy() {
        if (!state.redundancyOn()) {
            election.changeRole(Role.STANDALONE, RoleChangeCause.REDUNDANCY_SWITCHED, "", -1, -1, -1,
                    "redundancy is off (This SCADA's Activate): this server runs standalone as its own primary");
            return CompletableFuture.completedFuture(null);
        }
        return listen(state.config().thisScada().port()).thenAccept(bound -> {
            listenerChannel = bound;
            linksUp();
        });
    }

    /** Listens on {@code port} of the bind address; completes on the loop with the listening channel. */
    private CompletableFuture<Channel> listen(int port) {
        CompletableFuture<Channel> listening = new CompletableFuture<>();
        new ServerBootstrap().group(io).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, LinkChannels.WATER_MARK)
                .childHandler(LinkChannels.initializer(security.serverSsl(), () -> new InboundHandler(this), loop,
                        admission::admit))
                .bind(settings.bindAddress(), port).addListener((ChannelFutureListener) bound -> loop.execute(() -> {
                    if (!bound.isSuccess()) {
                        listening.completeExceptionally(new IllegalStateException("cannot listen on "
                                + settings.bindAddress() + ":" + port + ": " + LinkChannels.describe(bound.cause())
                                + " (is another server using that address and port?)", bound.cause()));
                    } else {
                        listening.complete(bound.channel());
                    }
                }));
        return listening;
    }

    private void linksUp() {
        state.starting(true);
        if (state.role() != Role.BACKUP) {
            election.changeRole(Role.BACKUP, RoleChangeCause.REDUNDANCY_SWITCHED, "", -1, -1, -1, "redundancy switched on");
        }
        log("listening on " + settings.bindAddress() + ":" + state.config().thisScada().port() + " as " + state.symbol()
                + ", term " + state.term() + ", certificate SHA-256 " + security.fingerprint());
        connectPartners(Map.of());
        allowanceTimer = loop.schedule(this::allowanceOver, state.config().thisScada().startupAllowanceMs(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Makes a link for every partner row and connects the activated ones; a link replacing one of
     * {@code previous} keeps what was known of that partner until its Timeout says otherwise.
     */
    private void connectPartners(Map<String, PartnerLink> previous) {
        for (Partner p : state.config().partners()) {
            PartnerLink link = new PartnerLink(this, p);
            PartnerLink old = previous.get(PartnerLinks.key(p.symbol()));
            if (old != null) {
                link.inherit(old);
            }
            links.put(link);
            link.startHeartbeats();
            if (p.activate()) {
                link.connect();
            }
        }
        stallGuard.start();
        election.start();
        board.changed();
    }

    /**
     * This SCADA's Port or Symbol changed while redundancy runs: the new port is bound first (a
     * port that is taken leaves the old configuration fully in force), then the links restart
     * with GOODBYE "not stopping" (no failover for that). The role stays: a reload never fails
     * over.
     */
    CompletableFuture<Void> restartLinks(RedundancyConfiguration next, Runnable configure) {
        int port = next.thisScada().port();
        boolean newPort = port != state.config().thisScada().port();
        CompletableFuture<Channel> bound = newPort ? listen(port) : CompletableFuture.completedFuture(listenerChannel);
        return bound.thenAccept(channel -> {
            Channel old = listenerChannel;
            Map<String, PartnerLink> previous = links.takeAll();
            for (PartnerLink link : previous.values()) {
                link.close("the configuration changed", false);
            }
            configure.run();
            listenerChannel = channel;
            if (old != null && old != channel) {
                old.close();
            }
            log("listening on " + settings.bindAddress() + ":" + port + " as " + state.symbol() + "; the links restart, the role ("
                    + state.role().jsonName() + ") stays");
            connectPartners(previous);
        });
    }

    private void allowanceOver() {
        if (!state.starting()) {
            return;
        }
        state.starting(false);
        log("startup allowance of " + state.config().thisScada().startupAllowanceMs() + " ms is over");
        election.evaluate(RoleChangeCause.STARTUP_ELECTION, null);
        board.changed();
    }

    /** A running primary answered during the allowance: no startup election. */
    void allowanceOverEarly() {
        PartnerLink.cancel(allowanceTimer);
    }

    /** Stops redundancy on this node: a primary hands over first; then every link says goodbye. */
    CompletableFuture<Void> stopRedundancy(String reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<?> handover = state.role() == Role.PRIMARY && election.bestSuccessor(null) != null
                ? election.handOverNow(null, Election.HANDOVER_WAIT_MS)
                : CompletableFuture.completedFuture(null);
        handover.handle((ok, failure) -> {
            loop.execute(() -> {
                PartnerLink.cancel(allowanceTimer);
                stallGuard.stop();
                election.stop();
                for (PartnerLink link : links.takeAll().values()) {
                    link.close(reason, true);
                }
                board.closeMonitors();
                if (listenerChannel != null) {
                    listenerChannel.close().addListener(f -> done.complete(null));
                    listenerChannel = null;
                } else {
                    done.complete(null);
                }
            });
            return null;
        });
        return done;
    }

    /**
     * Stops gracefully: a primary hands over to the best connected backup at once (no waiting
     * for a Timeout), every partner hears GOODBYE, then the threads stop.
     */
    public void shutdown(Duration timeout) {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        loop.execute(() -> {
            state.stopping(true);
            if (state.role() == Role.STANDALONE || !state.redundancyOn()) {
                stopped.complete(null);
                return;
            }
            stopRedundancy("the server is stopping").whenComplete((v, e) -> stopped.complete(null));
        });
        try {
            stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log("graceful stop did not finish within " + timeout.toMillis() + " ms; closing anyway");
        }
        try {
            onLoop(() -> {
                if (state.role().servesPlant()) {
                    election.changeRole(Role.BACKUP, RoleChangeCause.SHUTDOWN, "", -1, -1, -1,
                            "the redundancy service stopped");
                }
            }).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the loop is gone already
        }
        election.close();
        io.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    // =====================================================================================
    // Public actions: each one an event on the loop
    // =====================================================================================

    public RedundancyStatus status() {
        try {
            return onLoop(board::build).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return board.last();
        }
    }

    public String fingerprint() {
        return security.fingerprint();
    }

    /** The current role (for tests and the component), read on the loop. */
    public Role role() {
        return status().role();
    }

    public CompletionStage<ConnectResult> tryToConnect(String partnerSymbol, Duration timeout) {
        return onLoop(() -> {
            PartnerLink link = links.get(partnerSymbol);
            if (link == null) {
                return CompletableFuture.completedFuture(ConnectResult.failed(Failure.REJECTED,
                        "\"" + partnerSymbol + "\" is not a partner in this server's configuration"));
            }
            link.resetRetries();
            if (link.config.activate() && !link.outboundUp()) {
                link.connect();
            }
            return probeClient((int) timeout.toMillis()).probe(link.remote(), hello(LinkProtocol.KIND_PROBE, LinkProtocol.OLDEST_VERSION));
        }).thenCompose(f -> f);
    }

    public CompletionStage<VerifyResult> verify(String partnerSymbol, Duration timeout) {
        return onLoop(() -> {
            PartnerLink link = links.get(partnerSymbol);
            if (link == null) {
                return CompletableFuture.completedFuture(new VerifyResult(partnerSymbol, false,
                        List.of("\"" + partnerSymbol + "\" is not a partner in this server's configuration")));
            }
            ConfigView mine = configView();
            RedundancyConfiguration config = state.config();
            Partner row = link.config;
            return probeClient((int) timeout.toMillis()).fetchConfigView(link.remote(), hello(LinkProtocol.KIND_PROBE, LinkProtocol.OLDEST_VERSION))
                    .thenApply(theirs -> ConfigurationComparison.compare(mine, config, row, theirs))
                    .exceptionally(e -> new VerifyResult(row.symbol(), false,
                            List.of("cannot reach " + row.symbol() + " at " + row.ipAddress() + ":" + row.port() + ": "
                                    + LinkChannels.describe(e))))
                    .thenApply(result -> {
                        loop.execute(() -> {
                            PartnerLink current = links.get(partnerSymbol);
                            if (current != null) {
                                current.verified = result.verified() ? scada.redundancy.runtime.Verification.VERIFIED
                                        : scada.redundancy.runtime.Verification.NOT_VERIFIED;
                                board.changed();
                            }
                        });
                        return result;
                    });
        }).thenCompose(f -> f);
    }

    public CompletionStage<String> handOver(Duration timeout) {
        return onLoop(() -> {
            if (state.role() != Role.PRIMARY) {
                return CompletableFuture.<String>failedFuture(new IllegalStateException(
                        "this server is " + state.role().jsonName() + ", not primary: nothing to hand over"));
            }
            PartnerLink successor = election.bestSuccessor(null);
            if (successor == null) {
                return CompletableFuture.<String>failedFuture(new IllegalStateException(
                        "no connected, healthy backup can take over; the role stays here"));
            }
            election.operatorHandedOver();
            return election.handOverNow(successor, (int) timeout.toMillis()).thenApply(v -> successor.config.symbol());
        }).thenCompose(f -> f);
    }

    /** Accepts deployments from operators from now on (deploy by export): see {@link DeploymentReceiver}. */
    void acceptDeployments(DeploymentReceiver receiver) {
        this.deployments = receiver;
    }

    /**
     * Applies an operator's deployment, or fails with why it was refused. It takes as long as
     * validating, writing and a reload take (the reload waits at most 10 s), whatever the
     * client's timeout: a deployment is never cut off half-way. With {@code checkOnly} it only
     * checks it, as the first step of a push to a set, and changes nothing.
     */
    CompletionStage<LinkProtocol.DeployAnswer> deploy(LinkProtocol.Deployment deployment, boolean checkOnly) {
        DeploymentReceiver receiver = deployments;
        if (receiver == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(state.symbol()
                    + " takes no deployments: it was not started from a configuration file it could rewrite"));
        }
        return receiver.apply(deployment, checkOnly);
    }

    /** See {@link PartnerChannels#offer}: any thread, never blocks. */
    /** The configuration in force; any thread. */
    public RedundancyConfiguration configuration() {
        return state.config();
    }

    public boolean offer(String partnerSymbol, String channel, byte[] message) {
        ChannelFrames.checkName(channel);
        if (message.length > PartnerChannels.MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("a channel message has at most " + PartnerChannels.MAX_MESSAGE_BYTES
                    + " bytes, not " + message.length);
        }
        ChannelFlow flow = links.channelsOf(partnerSymbol);
        if (flow == null || !flow.reserve(channel, message.length)) {
            return false;
        }
        try {
            loop.execute(() -> {
                PartnerLink link = links.get(partnerSymbol);
                if (link == null || link.channels != flow) {
                    flow.unreserve(channel, message.length);
                    return;
                }
                link.enqueue(channel, message);
            });
        } catch (RejectedExecutionException e) {
            return false; // stopping: the flow is gone with its link
        }
        return true;
    }

    /** See {@link scada.redundancy.runtime.HealthReporter#report}. */
    public void reportHealth(String source, int weight, String reason) {
        executeIfRunning(() -> {
            int before = state.report(source, weight, reason);
            if (before == state.health()) {
                return;
            }
            log("health " + before + " -> " + state.health()
                    + (reason == null || reason.isEmpty() ? "" : " (" + source + ": " + reason + ")"));
            links.heartbeatAll();
            election.healthChanged(before);
            board.changed();
        });
    }

    /** Puts a new configuration in force (see {@code RedundancyService.applyConfiguration}). */
    public CompletionStage<Void> applyConfiguration(RedundancyConfiguration next) {
        try {
            requireValid(next, settings.bindAddress());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return onLoop(() -> reconfiguration.apply(next)).thenCompose(f -> f);
    }

    /**
     * A changed configuration file could not be put in force (unreadable or invalid): the
     * status says so until a good one is applied, so that an operator sees it without the log.
     */
    public void configurationNotApplied(String reason) {
        loop.execute(() -> {
            state.notApplied("configuration file NOT applied, the previous one stays in force: " + reason);
            log(state.notApplied());
            board.changed();
        });
    }

    // =====================================================================================
    // What this server says of itself
    // =====================================================================================

    ConfigView configView() {
        RedundancyConfiguration config = state.config();
        return new ConfigView(state.symbol(), settings.bindAddress(), config.thisScada().port(),
                new String(ConfigurationFile.toBytes(config), StandardCharsets.UTF_8), state.setFingerprint(),
                projectFingerprint, security.fingerprint());
    }

    /** @param protocol the version this connection speaks (a HELLO: the oldest this server speaks) */
    Hello hello(String kind, int protocol) {
        RedundancyConfiguration config = state.config();
        Partner any = config.activePartners().isEmpty() ? null : config.activePartners().get(0);
        return new Hello(protocol, LinkProtocol.PRODUCT, kind, state.symbol(), settings.bindAddress(),
                config.thisScada().port(), state.term(), state.role().jsonName(), state.health(), state.setFingerprint(),
                projectFingerprint, any == null ? 0 : any.periodMs(), any == null ? 0 : any.timeoutMs(), LinkProtocol.VERSION);
    }

    private LinkClient probeClient(int timeoutMs) {
        return new LinkClient(io, security.clientSsl(), settings.bindAddress(), timeoutMs);
    }

    void log(String message) {
        listener.log(state.symbol() + " " + message);
    }

    /**
     * Runs {@code action} on the loop, or drops it when the node has stopped: for news that no
     * longer matters then (a channel's returned credit, a health report during shutdown).
     */
    void executeIfRunning(Runnable action) {
        try {
            loop.execute(action);
        } catch (RejectedExecutionException e) {
            // stopped: nothing left to tell
        }
    }

    <T> CompletableFuture<T> onLoop(Callable<T> action) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    f.complete(action.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new IllegalStateException("the redundancy service has stopped", e));
        }
        return f;
    }

    private CompletableFuture<Void> onLoop(Runnable action) {
        return onLoop(() -> {
            action.run();
            return null;
        });
    }
}
