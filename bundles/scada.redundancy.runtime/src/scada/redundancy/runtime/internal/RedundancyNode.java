package scada.redundancy.runtime.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
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
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleChangeCause;
import scada.redundancy.runtime.VerifyResult;
import scada.redundancy.runtime.client.StatusJson;
import scada.redundancy.runtime.internal.LinkProtocol.ConfigView;
import scada.redundancy.runtime.internal.LinkProtocol.FailbackRequest;
import scada.redundancy.runtime.internal.LinkProtocol.Goodbye;
import scada.redundancy.runtime.internal.LinkProtocol.Handover;
import scada.redundancy.runtime.internal.LinkProtocol.Hello;
import scada.redundancy.runtime.internal.LinkProtocol.Reject;
import scada.redundancy.runtime.tls.LinkIdentity;
import scada.redundancy.runtime.tls.PinnedTrust;
import scada.redundancy.runtime.tls.TrustStore;

/**
 * One server of a redundancy set: its links to the partners, its role and term, its status.
 * <p>
 * <b>One owner.</b> Every field below is read and written on one thread only, the link's event
 * loop: network events, timers (heartbeat Period, Timeout deadlines, retries, the startup
 * allowance) and operator actions are all events on that loop, so the state needs no lock and
 * every decision sees a consistent picture. Listeners (role, status) are told through the
 * {@link Listener}, which must hand the news to another thread at once.
 * <p>
 * The rules it follows are those of the README ("How the runtime decides").
 */
public final class RedundancyNode {
    /** A health below this is unhealthy: such a server does not take the primary role and shows Fault to its partners. */
    public static final int HEALTH_THRESHOLD = 50;
    static final int ROLE_CHANGES_KEPT = 50;
    /** After Retry Count failed reconnects the partner shows Fault and reconnects slow to this (or 10 x Timeout). */
    static final int SLOW_RETRY_MIN_MS = 30_000;
    /** A graceful stop waits this long for the successor to announce itself primary. */
    static final int HANDOVER_WAIT_MS = 1000;
    /** Connects that test whether a reset partner's process is gone (see PartnerLink.probe). */
    static final int CRASH_PROBES = 4;
    /** The longest a hand-over waits for this server's role-aware services to stop. */
    static final int ROLE_DISPATCH_LIMIT_MS = 5000;

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

        /** The send queue to {@code partner} has room again. Must return at once. */
        default void channelWritable(String partner) {
        }
    }

    /**
     * Where and how this server runs.
     *
     * @param bindAddress the IP address to listen on and to connect from
     * @param dataDir     the term, the link identity and approved certificates
     * @param projectDir  the SCADA project whose fingerprint the partners compare, or null
     */
    public record Settings(String bindAddress, Path dataDir, Path projectDir) {
    }

    private final Settings settings;
    private final Listener listener;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final LinkIdentity identity;
    private final TrustStore trustStore;
    private final TermStore termStore;
    /** The last term in which this server was primary, and where it is kept. */
    private final TermStore servedTermStore;
    private long servedTerm;
    private final String projectFingerprint;

    // ---- state owned by the loop thread ----
    private RedundancyConfiguration config;
    private String setFingerprint;
    private Role role;
    private long term;
    private boolean starting;
    private long primarySinceNanos;
    private int health = 100;
    private boolean stopping;
    private Channel listenerChannel;
    private ScheduledFuture<?> allowanceTimer;
    private ScheduledFuture<?> stallWatch;
    private long stallTickMs;
    private long lastTickNanos;
    /** Until then no silence is believed and no election held: buffered heartbeats are read first. */
    private long graceUntilNanos;
    private boolean evaluateAfterGrace;
    /** Stepped down, waiting for role-aware services to stop: partners still hear "primary" until HANDOVER. */
    private boolean handingOver;
    /** A HANDOVER named another server: no election of our own until it claims or its Timeout passes. */
    private String awaitedSuccessor;
    private long awaitedUntilNanos;
    private final Map<String, PartnerLink> links = new LinkedHashMap<>();
    private final Set<Channel> monitors = new HashSet<>();
    private final ArrayDeque<RoleChange> roleChanges = new ArrayDeque<>();
    private final Set<String> pendingFingerprints = new HashSet<>();
    /** Why the last changed configuration file was not applied, or empty. */
    private String notApplied = "";
    /** Health reports by source: weight and reason. Loop-owned. */
    private final Map<String, Map.Entry<Integer, String>> healthReports = new LinkedHashMap<>();
    /** Send budgets per partner key: the only state other threads touch, and it is atomic. */
    private final java.util.concurrent.ConcurrentHashMap<String, SendBudget> budgets = new java.util.concurrent.ConcurrentHashMap<>();
    private CompletionStage<Void> lastRoleDispatch = CompletableFuture.completedFuture(null);
    private volatile Set<String> trusted = Set.of();
    private volatile RedundancyStatus lastStatus;
    private boolean statusFlushQueued;
    private SslContext serverSsl;
    private SslContext clientSsl;

    private RedundancyNode(Settings settings, RedundancyConfiguration config, Listener listener) throws IOException {
        this.settings = settings;
        this.listener = listener;
        this.config = config;
        this.identity = LinkIdentity.loadOrCreate(settings.dataDir(), config.thisScada().symbol());
        this.trustStore = new TrustStore(settings.dataDir());
        this.termStore = new TermStore(settings.dataDir());
        this.term = termStore.read();
        this.servedTermStore = new TermStore(settings.dataDir(), TermStore.SERVED_FILE);
        this.servedTerm = Math.min(servedTermStore.read(), term);
        this.projectFingerprint = Fingerprints.ofProject(settings.projectDir());
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("duplex-link-" + config.thisScada().symbol(), true));
        this.loop = group.next();
        this.role = config.thisScada().activate() ? Role.BACKUP : Role.STANDALONE;
        this.setFingerprint = Fingerprints.ofSet(config, settings.bindAddress());
        this.lastStatus = buildStatus();
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
            node.sslContexts();
            node.onLoop(node::startRedundancy).thenCompose(f -> f).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            node.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
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

    private void sslContexts() throws SSLException {
        PinnedTrust trust = new PinnedTrust(this::trustedNow, this::certificateRefused);
        refreshTrust();
        serverSsl = SslContextBuilder.forServer(identity.key(), identity.certificate()).trustManager(trust)
                .clientAuth(ClientAuth.REQUIRE).protocols("TLSv1.3").build();
        clientSsl = SslContextBuilder.forClient().keyManager(identity.key(), identity.certificate()).trustManager(trust)
                .protocols("TLSv1.3").build();
    }

    /** Asked at every TLS handshake: an approval with {@code trust} counts at once, without a restart. */
    private Set<String> trustedNow() {
        Set<String> approved = trustStore.approved(); // re-read only when the file changed
        if (approved.isEmpty()) {
            return trusted;
        }
        Set<String> all = new HashSet<>(trusted);
        all.addAll(approved);
        return all;
    }

    /** The fingerprints trusted by configuration: the partners' pinned ones and our own. */
    private void refreshTrust() {
        Set<String> set = new HashSet<>();
        set.add(identity.fingerprint());
        for (Partner p : config.partners()) {
            if (!p.normalizedCertificateSha256().isEmpty()) {
                set.add(p.normalizedCertificateSha256());
            }
        }
        trusted = Set.copyOf(set);
    }

    private void certificateRefused(String fingerprint) {
        loop.execute(() -> {
            if (pendingFingerprints.add(fingerprint)) {
                log("refused a link certificate that is not trusted: SHA-256 " + fingerprint
                        + " (approve it with: scada-redundancy trust --data DIR " + fingerprint + ")");
                statusChanged();
            }
        });
    }

    // =====================================================================================
    // Life cycle
    // =====================================================================================

    /** Starts redundancy: listen (asynchronously), then connect to the partners and start the allowance. */
    private CompletableFuture<Void> startRedundancy() {
        if (!config.thisScada().activate()) {
            changeRole(Role.STANDALONE, RoleChangeCause.REDUNDANCY_SWITCHED, "", -1, -1, -1,
                    "redundancy is off (This SCADA's Activate): this server runs standalone as its own primary");
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        int port = config.thisScada().port();
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, LinkChannels.WATER_MARK)
                .childHandler(LinkChannels.initializer(serverSsl, false, () -> new InboundHandler()))
                .bind(settings.bindAddress(), port).addListener((ChannelFutureListener) bound -> {
                    if (!bound.isSuccess()) {
                        started.completeExceptionally(new IllegalStateException("cannot listen on "
                                + settings.bindAddress() + ":" + port + ": " + LinkChannels.describe(bound.cause())
                                + " (is another server using that address and port?)", bound.cause()));
                        return;
                    }
                    listenerChannel = bound.channel();
                    linksUp();
                    started.complete(null);
                });
        return started;
    }

    private void linksUp() {
        starting = true;
        if (role != Role.BACKUP) {
            changeRole(Role.BACKUP, RoleChangeCause.REDUNDANCY_SWITCHED, "", -1, -1, -1, "redundancy switched on");
        }
        log("listening on " + settings.bindAddress() + ":" + config.thisScada().port() + " as " + symbol() + ", term "
                + term + ", certificate SHA-256 " + identity.fingerprint());
        for (Partner p : config.partners()) {
            PartnerLink link = new PartnerLink(p);
            links.put(key(p.symbol()), link);
            if (p.activate()) {
                link.connect();
            }
        }
        allowanceTimer = loop.schedule(this::allowanceOver, config.thisScada().startupAllowanceMs(), TimeUnit.MILLISECONDS);
        startStallWatch();
        statusChanged();
    }

    /**
     * A watchdog tick every (shortest) Period. A tick late by more than a Period, or overdue when
     * a silence check runs, means this process did not run for a while (SIGSTOP, a long pause, a
     * starved machine): see {@link #onStall}.
     */
    private void startStallWatch() {
        if (stallWatch != null) {
            stallWatch.cancel(false);
        }
        List<Partner> active = config.activePartners();
        if (active.isEmpty()) {
            return;
        }
        stallTickMs = Math.max(10, Math.min(1000, active.stream().mapToInt(Partner::periodMs).min().getAsInt()));
        lastTickNanos = System.nanoTime();
        stallWatch = loop.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long lateMs = TimeUnit.NANOSECONDS.toMillis(now - lastTickNanos) - stallTickMs;
            lastTickNanos = now;
            if (lateMs >= stallTickMs && !inGrace()) {
                onStall(lateMs);
            }
        }, stallTickMs, stallTickMs, TimeUnit.MILLISECONDS);
    }

    /**
     * How long this loop has not run beyond its watchdog tick, in ms, if that is more than a
     * tick: then this process was frozen or starved, and a silence it sees now may be its own.
     */
    private long overdueMs(long now) {
        if (stallTickMs <= 0) {
            return 0;
        }
        long late = TimeUnit.NANOSECONDS.toMillis(now - lastTickNanos) - stallTickMs;
        return late >= stallTickMs ? late : 0;
    }

    /**
     * This process was frozen for {@code stalledMs} (SIGSTOP, a long pause, a starved machine).
     * Its partners may have acted on its silence, and the heartbeats they sent meanwhile are
     * waiting in its sockets: for a short grace it believes no silence and holds no election, so
     * that it reads them first. A primary whose backup took over then sees the higher term and
     * steps down at once; a primary whose backup did not is still primary, with no needless
     * flap of its role-aware services.
     */
    private void onStall(long stalledMs) {
        long graceMs = Math.max(50, Math.min(stallTickMs, 200));
        graceUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
        log("this process did not run for " + stalledMs + " ms (frozen or paused); no decision for " + graceMs
                + " ms while the partners' news is read");
        for (PartnerLink l : links.values()) {
            l.sendHeartbeat(); // let the partners know at once that this server runs again
        }
        evaluateLater();
    }

    private boolean inGrace() {
        return graceUntilNanos != 0 && System.nanoTime() - graceUntilNanos < 0;
    }

    private void evaluateLater() {
        if (evaluateAfterGrace) {
            return;
        }
        evaluateAfterGrace = true;
        loop.schedule(() -> {
            evaluateAfterGrace = false;
            evaluate(RoleChangeCause.ELECTION, null);
        }, Math.max(1, graceUntilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void allowanceOver() {
        if (!starting) {
            return;
        }
        starting = false;
        log("startup allowance of " + config.thisScada().startupAllowanceMs() + " ms is over");
        evaluate(RoleChangeCause.STARTUP_ELECTION, null);
        statusChanged();
    }

    /** Stops redundancy on this node: a primary hands over first; then every link says goodbye. */
    private CompletableFuture<Void> stopRedundancy(String reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<?> handover = role == Role.PRIMARY && bestSuccessor(null) != null
                ? handOverNow(null, HANDOVER_WAIT_MS)
                : CompletableFuture.completedFuture(null);
        handover.handle((ok, failure) -> {
            loop.execute(() -> {
                if (allowanceTimer != null) {
                    allowanceTimer.cancel(false);
                }
                if (stallWatch != null) {
                    stallWatch.cancel(false);
                }
                for (PartnerLink link : links.values()) {
                    link.close(reason, true);
                }
                links.clear();
                for (Channel m : List.copyOf(monitors)) {
                    m.close();
                }
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
            stopping = true;
            if (role == Role.STANDALONE || !config.thisScada().activate()) {
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
                if (role.servesPlant()) {
                    changeRole(Role.BACKUP, RoleChangeCause.SHUTDOWN, "", -1, -1, -1, "the redundancy service stopped");
                }
            }).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the loop is gone already
        }
        group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    // =====================================================================================
    // Public actions: each one an event on the loop
    // =====================================================================================

    public RedundancyStatus status() {
        CompletableFuture<RedundancyStatus> f = onLoop(this::buildStatus);
        try {
            return f.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            return lastStatus;
        }
    }

    public String fingerprint() {
        return identity.fingerprint();
    }

    public CompletionStage<ConnectResult> tryToConnect(String partnerSymbol, Duration timeout) {
        return onLoop(() -> {
            PartnerLink link = links.get(key(partnerSymbol));
            if (link == null) {
                return CompletableFuture.completedFuture(ConnectResult.failed(Failure.REJECTED,
                        "\"" + partnerSymbol + "\" is not a partner in this server's configuration"));
            }
            link.resetRetries();
            if (link.config.activate() && !link.outboundUp()) {
                link.connect();
            }
            return probeClient((int) timeout.toMillis()).probe(link.remote(), hello(LinkProtocol.KIND_PROBE));
        }).thenCompose(f -> f);
    }

    public CompletionStage<VerifyResult> verify(String partnerSymbol, Duration timeout) {
        return onLoop(() -> {
            PartnerLink link = links.get(key(partnerSymbol));
            if (link == null) {
                return CompletableFuture.completedFuture(new VerifyResult(partnerSymbol, false,
                        List.of("\"" + partnerSymbol + "\" is not a partner in this server's configuration")));
            }
            ConfigView mine = configView();
            Partner row = link.config;
            return probeClient((int) timeout.toMillis()).fetchConfigView(link.remote(), hello(LinkProtocol.KIND_PROBE))
                    .thenApply(theirs -> Verification.compare(mine, config, row, theirs))
                    .exceptionally(e -> new VerifyResult(row.symbol(), false,
                            List.of("cannot reach " + row.symbol() + " at " + row.ipAddress() + ":" + row.port() + ": "
                                    + LinkChannels.describe(e))))
                    .thenApply(result -> {
                        loop.execute(() -> {
                            PartnerLink current = links.get(key(partnerSymbol));
                            if (current != null) {
                                current.verified = result.verified() ? "verified" : "not verified";
                                statusChanged();
                            }
                        });
                        return result;
                    });
        }).thenCompose(f -> f);
    }

    public CompletionStage<String> handOver(Duration timeout) {
        return onLoop(() -> {
            if (role != Role.PRIMARY) {
                return CompletableFuture.<String>failedFuture(
                        new IllegalStateException("this server is " + role.jsonName() + ", not primary: nothing to hand over"));
            }
            PartnerLink successor = bestSuccessor(null);
            if (successor == null) {
                return CompletableFuture.<String>failedFuture(new IllegalStateException(
                        "no connected, healthy backup can take over; the role stays here"));
            }
            return handOverNow(successor, (int) timeout.toMillis()).thenApply(v -> successor.config.symbol());
        }).thenCompose(f -> f);
    }

    /** See {@link scada.redundancy.runtime.PartnerChannels#offer}: any thread, never blocks. */
    public boolean offer(String partnerSymbol, String channel, byte[] message) {
        ChannelFrames.checkName(channel);
        if (message.length > scada.redundancy.runtime.PartnerChannels.MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("a channel message has at most "
                    + scada.redundancy.runtime.PartnerChannels.MAX_MESSAGE_BYTES + " bytes, not " + message.length);
        }
        SendBudget budget = budgets.get(key(partnerSymbol));
        if (budget == null || !budget.connected || !budget.reserve(message.length)) {
            return false;
        }
        try {
            loop.execute(() -> {
                PartnerLink link = links.get(key(partnerSymbol));
                if (link == null || link.budget != budget || !link.outboundReady) {
                    budget.release(message.length);
                    return;
                }
                link.enqueue(channel, message);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            budget.release(message.length);
            return false;
        }
        return true;
    }

    /** See {@link scada.redundancy.runtime.HealthReporter#report}. */
    public void reportHealth(String source, int weight, String reason) {
        loop.execute(() -> {
            if (weight <= 0) {
                healthReports.remove(source);
            } else {
                healthReports.put(source, Map.entry(Math.min(100, weight), reason == null ? "" : reason));
            }
            int next = Math.max(0, 100 - healthReports.values().stream().mapToInt(Map.Entry::getKey).sum());
            if (next == health) {
                return;
            }
            int before = health;
            health = next;
            log("health " + before + " -> " + next + (reason == null || reason.isEmpty() ? "" : " (" + source + ": " + reason + ")"));
            links.values().forEach(PartnerLink::sendHeartbeat);
            healthChanged(before);
            statusChanged();
        });
    }

    private void healthChanged(int before) {
        boolean wasHealthy = before >= HEALTH_THRESHOLD;
        boolean healthy = health >= HEALTH_THRESHOLD;
        if (wasHealthy == healthy || !config.thisScada().activate()) {
            return;
        }
        if (!healthy) {
            if (role == Role.PRIMARY) {
                PartnerLink successor = bestSuccessor(null);
                if (successor == null) {
                    log("unhealthy (health " + health + ") but no healthy backup is connected: this server stays primary");
                    return;
                }
                handOverNow(successor, HANDOVER_WAIT_MS);
            }
            if (role == Role.BACKUP) {
                changeRole(Role.FAULT, RoleChangeCause.UNHEALTHY, "", -1, -1, -1,
                        "health " + health + " is below " + HEALTH_THRESHOLD + ": " + healthText());
            }
        } else if (role == Role.FAULT) {
            changeRole(Role.BACKUP, RoleChangeCause.HEALTH_RESTORED, "", -1, -1, -1, "health " + health + " again");
            evaluate(RoleChangeCause.ELECTION, null);
        }
    }

    private String healthText() {
        StringBuilder b = new StringBuilder();
        healthReports.forEach((source, e) -> b.append(b.length() == 0 ? "" : "; ").append(source).append(" (weight ")
                .append(e.getKey()).append(e.getValue().isEmpty() ? "" : ": " + e.getValue()).append(')'));
        return b.toString();
    }

    /** Puts a new configuration in force (see {@code RedundancyService.applyConfiguration}). */
    public CompletionStage<Void> applyConfiguration(RedundancyConfiguration next) {
        try {
            requireValid(next, settings.bindAddress());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return onLoop(() -> reconfigure(next)).thenCompose(f -> f);
    }

    /**
     * A changed configuration file could not be put in force (unreadable or invalid): the
     * status says so until a good one is applied, so that an operator sees it without the log.
     */
    public void configurationNotApplied(String reason) {
        loop.execute(() -> {
            notApplied = "configuration file NOT applied, the previous one stays in force: " + reason;
            log(notApplied);
            statusChanged();
        });
    }

    private CompletableFuture<Void> reconfigure(RedundancyConfiguration next) {
        RedundancyConfiguration previous = config;
        if (!notApplied.isEmpty()) {
            notApplied = "";
            statusChanged();
        }
        if (previous.equals(next)) {
            return CompletableFuture.completedFuture(null);
        }
        boolean wasOn = previous.thisScada().activate();
        boolean isOn = next.thisScada().activate();
        boolean restart = wasOn && isOn && (previous.thisScada().port() != next.thisScada().port()
                || !previous.thisScada().symbol().equals(next.thisScada().symbol()));
        log("applying a new configuration" + (restart ? " (port or Symbol changed: the links restart)" : ""));
        if (wasOn && (!isOn || restart)) {
            return stopRedundancy(isOn ? "the configuration changed" : "redundancy switched off").thenCompose(v -> onLoop(() -> {
                config = next;
                setFingerprint = Fingerprints.ofSet(next, settings.bindAddress());
                refreshTrust();
                return startRedundancy();
            }).thenCompose(f -> f));
        }
        config = next;
        setFingerprint = Fingerprints.ofSet(next, settings.bindAddress());
        refreshTrust();
        if (!wasOn && isOn) {
            return startRedundancy();
        }
        if (!isOn) {
            statusChanged();
            return CompletableFuture.completedFuture(null);
        }
        // Same port and Symbol: only partner rows changed. Keep untouched links, replace changed ones.
        Map<String, PartnerLink> old = new LinkedHashMap<>(links);
        links.clear();
        for (Partner p : next.partners()) {
            PartnerLink link = old.remove(key(p.symbol()));
            if (link != null && sameEndpoint(link.config, p)) {
                link.update(p); // timings, retries, comment: the connections stay up
                links.put(key(p.symbol()), link);
                continue;
            }
            PartnerLink fresh = new PartnerLink(p);
            if (link != null) {
                fresh.inherit(link); // what we knew of the partner stays true until its Timeout says otherwise
                link.close("its configuration changed", false);
            }
            links.put(key(p.symbol()), fresh);
            if (p.activate()) {
                fresh.connect();
            }
        }
        for (PartnerLink gone : old.values()) {
            gone.close("it was removed from the configuration", false);
        }
        startStallWatch();
        evaluate(RoleChangeCause.ELECTION, null);
        statusChanged();
        return CompletableFuture.completedFuture(null);
    }

    /** Whether a changed partner row still means the same connection (same peer, address, port, pin, on/off). */
    private static boolean sameEndpoint(Partner a, Partner b) {
        return key(a.symbol()).equals(key(b.symbol())) && a.ipAddress().equals(b.ipAddress()) && a.port() == b.port()
                && a.activate() == b.activate() && a.normalizedCertificateSha256().equals(b.normalizedCertificateSha256());
    }

    // =====================================================================================
    // Election
    // =====================================================================================

    /**
     * Decides whether this backup takes the primary role now. It does when no live partner is
     * primary, the startup allowance is over (or every activated partner has answered), and no
     * live healthy backup ranks before it.
     */
    private void evaluate(RoleChangeCause cause, PartnerLink lostPrimary) {
        if (role != Role.BACKUP || stopping || !config.thisScada().activate()) {
            return;
        }
        if (inGrace()) {
            evaluateLater();
            return;
        }
        if (links.values().stream().anyMatch(l -> l.alive && l.reportedRole == Role.PRIMARY)) {
            return;
        }
        if (awaitedSuccessor != null) {
            PartnerLink successor = links.get(awaitedSuccessor);
            if (successor != null && successor.alive && System.nanoTime() - awaitedUntilNanos < 0) {
                return; // the primary named its successor: let it take the role
            }
            awaitedSuccessor = null;
        }
        if (starting && !links.values().stream().filter(l -> l.config.activate()).allMatch(l -> l.alive)) {
            return; // wait for the allowance: a running primary may still answer
        }
        if (health < HEALTH_THRESHOLD) {
            return;
        }
        PartnerLink better = links.values().stream().filter(l -> l.alive && !l.fault && l.reportedRole == Role.BACKUP)
                .filter(l -> ranksBefore(l.reportedHealth, l.reportedServedTerm, l.config.symbol(), health, servedTerm,
                        symbol()))
                .findFirst().orElse(null);
        if (better != null) {
            return; // it will claim; if it cannot, its silence will bring us back here
        }
        RoleChangeCause why = starting || lostPrimary == null && cause == RoleChangeCause.STARTUP_ELECTION
                ? RoleChangeCause.STARTUP_ELECTION : cause;
        becomePrimary(nextTerm(), why, lostPrimary);
    }

    /**
     * The rank of two servers that are both backups: the healthier first, then the one that was
     * primary most recently (the higher served term: it holds the most recent history), then the
     * one whose Symbol sorts first (ignoring case). Every server evaluates the same rule from the
     * same heartbeats, so they agree without a global list.
     */
    static boolean ranksBefore(int healthA, long servedA, String symbolA, int healthB, long servedB, String symbolB) {
        if (healthA != healthB) {
            return healthA > healthB;
        }
        if (servedA != servedB) {
            return servedA > servedB;
        }
        int bySymbol = symbolA.toLowerCase(Locale.ROOT).compareTo(symbolB.toLowerCase(Locale.ROOT));
        return bySymbol != 0 ? bySymbol < 0 : symbolA.compareTo(symbolB) < 0;
    }

    private long nextTerm() {
        long highest = term;
        for (PartnerLink l : links.values()) {
            highest = Math.max(highest, l.reportedTerm);
        }
        return highest + 1;
    }

    private void becomePrimary(long newTerm, RoleChangeCause cause, PartnerLink lostPrimary) {
        String peer = lostPrimary == null ? "" : lostPrimary.config.symbol();
        String detail = switch (cause) {
            case TIMEOUT -> lostPrimary == null ? "no live primary and this server ranks first among the live backups"
                    : "no heartbeat from " + peer + " for " + lostPrimary.config.timeoutMs() + " ms (Timeout)";
            case CONNECTION_REFUSED -> "the link to " + peer + " was reset and its host refused the reconnect: its process is gone";
            case GRACEFUL_HANDOVER -> peer + " handed the primary role over";
            case STARTUP_ELECTION -> "no primary answered within the startup allowance; this server ranks first";
            case ELECTION -> "no live server is primary and this server ranks first among the live backups";
            case FAILBACK -> "automatic fail-back: this server is the preferred primary";
            default -> "this server ranks first among the live backups";
        };
        if (!persistTerm(newTerm)) {
            return;
        }
        try {
            servedTermStore.write(newTerm);
            servedTerm = newTerm;
        } catch (IOException e) {
            log("cannot store the served term " + newTerm + ": " + e.getMessage() + " (only the rank after a restart of "
                    + "the whole set depends on it)");
        }
        long now = System.nanoTime();
        primarySinceNanos = now;
        starting = false;
        long lastContactNanos = lostPrimary == null ? -1 : lostPrimary.lastContactNanos;
        long failoverMs = lastContactNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(now - lastContactNanos);
        changeRole(Role.PRIMARY, cause, peer, lostPrimary == null ? -1 : lostPrimary.lastHeartbeatMillis,
                lostPrimary == null ? -1 : lostPrimary.lostDetectedMillis, failoverMs, detail);
        for (PartnerLink l : links.values()) {
            l.sendHeartbeat(); // tell everyone at once, not a Period later
        }
    }

    private void stepDown(RoleChangeCause cause, PartnerLink peer, String detail) {
        primarySinceNanos = 0;
        changeRole(Role.BACKUP, cause, peer == null ? "" : peer.config.symbol(), -1, -1, -1, detail);
        if (cause != RoleChangeCause.HANDED_OVER) {
            // Tell everyone at once. On a hand-over the HANDOVER frame must come first, or a backup
            // would read "no primary" and start an election of its own.
            for (PartnerLink l : links.values()) {
                l.sendHeartbeat();
            }
        }
    }

    private boolean persistTerm(long newTerm) {
        if (newTerm <= term) {
            return true;
        }
        try {
            termStore.write(newTerm);
            term = newTerm;
            return true;
        } catch (IOException e) {
            log("ERROR cannot store term " + newTerm + " in " + settings.dataDir() + ": " + e.getMessage()
                    + "; this server will not act on the new term until it can");
            return false;
        }
    }

    private void changeRole(Role to, RoleChangeCause cause, String peer, long lastHeartbeatMillis, long detectedMillis,
            long failoverMs, String detail) {
        Role from = role;
        role = to;
        long nowMillis = System.currentTimeMillis();
        RoleChange change = new RoleChange(nowMillis, from, to, term, cause, peer, lastHeartbeatMillis, detectedMillis,
                to == Role.PRIMARY ? nowMillis : -1, failoverMs, detail);
        roleChanges.addLast(change);
        while (roleChanges.size() > ROLE_CHANGES_KEPT) {
            roleChanges.removeFirst();
        }
        log(change.toLogLine());
        lastRoleDispatch = listener.roleChanged(change, to, term);
        statusChanged();
    }

    /**
     * The backup to hand over to (or {@code wanted} if it qualifies): the first live, healthy,
     * connected backup in this server's partner order — the order of the Partners table is the
     * failover priority of a hand-over.
     */
    private PartnerLink bestSuccessor(PartnerLink wanted) {
        List<PartnerLink> candidates = links.values().stream() // LinkedHashMap: the configuration's order
                .filter(l -> l.alive && !l.fault && l.outboundReady && l.reportedHealth >= HEALTH_THRESHOLD
                        && l.reportedRole == Role.BACKUP)
                .toList();
        if (wanted != null) {
            return candidates.contains(wanted) ? wanted : null;
        }
        return candidates.isEmpty() ? null : candidates.get(0);
    }

    /**
     * Hands the role over: steps down first (so the plant never has two primaries), then tells
     * every partner who the successor is and waits (bounded) for the successor's heartbeat as
     * primary.
     */
    private CompletableFuture<Void> handOverNow(PartnerLink successor, int waitMs) {
        PartnerLink to = successor != null ? successor : bestSuccessor(null);
        if (to == null || role != Role.PRIMARY) {
            return CompletableFuture.completedFuture(null);
        }
        long newTerm = term + 1;
        handingOver = true;
        awaitSuccessor(to);
        stepDown(RoleChangeCause.HANDED_OVER, to, "handed the primary role over to " + to.config.symbol());
        Handover message = new Handover(newTerm, symbol(), to.config.symbol());
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        to.handoverAck = acknowledged;
        // Only once this server's role-aware services have stopped does the successor hear it may
        // start its own: the plant never has two primaries, even for a moment.
        lastRoleDispatch.toCompletableFuture().orTimeout(ROLE_DISPATCH_LIMIT_MS, TimeUnit.MILLISECONDS)
                .whenComplete((v, slow) -> loop.execute(() -> {
                    if (slow != null) {
                        log("role-aware services took over " + ROLE_DISPATCH_LIMIT_MS + " ms to stop; handing over anyway");
                    }
                    handingOver = false;
                    for (PartnerLink l : links.values()) {
                        l.send(new Frame(FrameType.HANDOVER, LinkProtocol.toJson(message)));
                    }
                }));
        ScheduledFuture<?> limit = loop.schedule(() -> acknowledged.completeExceptionally(
                new TimeoutException(to.config.symbol() + " did not announce itself primary within " + waitMs + " ms")),
                waitMs, TimeUnit.MILLISECONDS);
        return acknowledged.whenComplete((v, e) -> limit.cancel(false));
    }

    // =====================================================================================
    // Events from the links
    // =====================================================================================

    private void onHeartbeat(PartnerLink link, Heartbeat hb) {
        long now = System.nanoTime();
        link.goodbyeStopping = false;
        boolean cameBack = !link.alive;
        link.heard(hb, now);
        if (cameBack) {
            log("hearing " + link.config.symbol() + " (" + hb.role().jsonName() + ", term " + hb.term() + ")");
        }
        if (hb.health() < HEALTH_THRESHOLD) {
            link.setFault("it reports itself unhealthy (health " + hb.health() + ")", false);
        } else if (link.faultFromHealth) {
            link.clearFault();
        }
        if (hb.term() > term && persistTerm(hb.term())) {
            if (role == Role.PRIMARY) {
                stepDown(RoleChangeCause.HIGHER_TERM, link, link.config.symbol() + " is primary in the higher term "
                        + hb.term() + "; this server stepped down at once");
            } else {
                links.values().forEach(PartnerLink::sendHeartbeat); // everyone learns the term now, not a Period later
            }
        }
        if (hb.role() == Role.PRIMARY) {
            if (role == Role.PRIMARY && hb.term() == term) {
                long mine = TimeUnit.NANOSECONDS.toMillis(now - primarySinceNanos);
                boolean theyStay = hb.primaryForMs() > mine || hb.primaryForMs() == mine
                        && ranksBefore(100, 0, link.config.symbol(), 100, 0, symbol());
                if (theyStay) {
                    stepDown(RoleChangeCause.DUAL_PRIMARY_RESOLVED, link, "two primaries in term " + term + ": "
                            + link.config.symbol() + " has been primary longer (" + hb.primaryForMs() + " ms vs " + mine
                            + " ms); this server stepped down");
                }
            } else if (role == Role.BACKUP && starting) {
                starting = false;
                if (allowanceTimer != null) {
                    allowanceTimer.cancel(false);
                }
                changeRole(Role.BACKUP, RoleChangeCause.JOINED_AS_BACKUP, link.config.symbol(), -1, -1, -1,
                        link.config.symbol() + " is primary (term " + hb.term() + "); this server joins as backup");
            }
            if (link.handoverAck != null) {
                link.handoverAck.complete(null);
                link.handoverAck = null;
            }
        }
        if (hb.role() == Role.PRIMARY && role == Role.BACKUP) {
            link.considerFailback();
        }
        if (cameBack) {
            statusChanged();
        }
        evaluate(RoleChangeCause.ELECTION, null);
    }

    /** The partner fell silent for Timeout ms, or its host refused a reconnect. */
    private void onPartnerLost(PartnerLink link, RoleChangeCause cause, String why) {
        if (!link.alive) {
            return;
        }
        boolean wasPrimary = link.reportedRole == Role.PRIMARY;
        link.alive = false;
        link.updateSendable();
        link.lostDetectedMillis = System.currentTimeMillis();
        log("lost " + link.config.symbol() + (wasPrimary ? " (the primary)" : "") + ": " + why);
        statusChanged();
        if (wasPrimary) {
            evaluate(cause, link);
        } else {
            evaluate(RoleChangeCause.ELECTION, null);
        }
    }

    private void onHandover(PartnerLink from, Handover h) {
        from.contact(System.nanoTime());
        if (h.term() > term && key(h.successor()).equals(key(symbol()))) {
            if (role == Role.BACKUP) {
                from.reportedRole = Role.BACKUP; // it stepped down and leaves the role to us
                from.lostDetectedMillis = System.currentTimeMillis();
                becomePrimary(h.term(), RoleChangeCause.GRACEFUL_HANDOVER, from);
            }
        } else if (from.reportedRole == Role.PRIMARY) {
            from.reportedRole = Role.BACKUP; // the successor's heartbeat follows at once
            PartnerLink successor = links.get(key(h.successor()));
            if (successor != null) {
                awaitSuccessor(successor);
            }
        }
    }

    /** No election of our own while the named successor takes the role (bounded by its Timeout). */
    private void awaitSuccessor(PartnerLink successor) {
        awaitedSuccessor = key(successor.config.symbol());
        awaitedUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(successor.config.timeoutMs());
        loop.schedule(() -> evaluate(RoleChangeCause.ELECTION, null), successor.config.timeoutMs(), TimeUnit.MILLISECONDS);
    }

    private void onFailbackRequest(PartnerLink from) {
        if (role != Role.PRIMARY) {
            return;
        }
        if (config.thisScada().failback() == scada.redundancy.model.Failback.AUTOMATIC) {
            log("refused a fail-back request from " + from.config.symbol()
                    + ": this server is itself set to automatic fail-back (set only the preferred primary to automatic)");
            return;
        }
        if (bestSuccessor(from) == null) {
            log("refused a fail-back request from " + from.config.symbol() + ": it is not a connected, healthy backup");
            return;
        }
        log("fail-back: handing the primary role back to " + from.config.symbol());
        handOverNow(from, HANDOVER_WAIT_MS);
    }

    // =====================================================================================
    // Status
    // =====================================================================================

    private RedundancyStatus buildStatus() {
        long now = System.nanoTime();
        List<PartnerStatus> partners = new ArrayList<>();
        int active = 0;
        int connected = 0;
        for (Partner p : config.partners()) {
            PartnerLink l = links.get(key(p.symbol()));
            boolean isConnected = l != null && l.alive && l.outboundReady;
            if (p.activate()) {
                active++;
                if (isConnected) {
                    connected++;
                }
            }
            partners.add(l == null
                    ? new PartnerStatus(p.no(), p.symbol(), p.ipAddress() + ":" + p.port(), p.activate(), false, false,
                            false, config.thisScada().activate() ? "" : "redundancy off", "", -1, -1, -1, -1, 0, -1, "n/a",
                            "not checked", "")
                    : new PartnerStatus(p.no(), p.symbol(), p.ipAddress() + ":" + p.port(), p.activate(), isConnected,
                            l.alive && l.reportedRole == Role.PRIMARY, l.fault, l.faultReason,
                            l.reportedRole == null ? "" : l.alive ? l.reportedRole.jsonName() : "offline", l.reportedTerm,
                            l.reportedHealth,
                            l.lastHeardNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(now - l.lastHeardNanos), l.rttMs,
                            l.retries, l.nextRetryInMs(), "n/a", l.verified, l.peerFingerprint));
        }
        boolean on = config.thisScada().activate();
        String verified = partners.stream().filter(PartnerStatus::activate).allMatch(s -> "verified".equals(s.verified()))
                && active > 0 ? "verified"
                        : partners.stream().anyMatch(s -> "not verified".equals(s.verified())) ? "not verified" : "not checked";
        List<String> notes = new ArrayList<>();
        if (!on) {
            notes.add("redundancy off: this server runs standalone");
        }
        if (!healthReports.isEmpty()) {
            notes.add("health " + health + ": " + healthText());
        }
        if (!notApplied.isEmpty()) {
            notes.add(notApplied);
        }
        if (!pendingFingerprints.isEmpty()) {
            notes.add("refused untrusted link certificate(s): " + String.join(", ", pendingFingerprints));
        }
        String note = String.join("; ", notes);
        RedundancyStatus status = new RedundancyStatus(symbol(),
                on ? settings.bindAddress() + ":" + config.thisScada().port() : "", on, role, term, health, starting,
                on ? connected + "/" + active : "redundancy off", on ? monitors.size() : 0, "n/a", verified,
                identity.fingerprint(), partners, List.copyOf(roleChanges), note);
        lastStatus = status;
        return status;
    }

    /** Coalesces status changes into one notification per loop turn. */
    private void statusChanged() {
        if (statusFlushQueued) {
            return;
        }
        statusFlushQueued = true;
        loop.execute(() -> {
            statusFlushQueued = false;
            RedundancyStatus status = buildStatus();
            listener.statusChanged(status);
            if (!monitors.isEmpty()) {
                byte[] json = StatusJson.toJson(status).getBytes(StandardCharsets.UTF_8);
                for (Channel m : monitors) {
                    if (m.isWritable()) {
                        m.writeAndFlush(new Frame(FrameType.STATUS, json));
                    }
                }
            }
        });
    }

    private ConfigView configView() {
        return new ConfigView(symbol(), settings.bindAddress(), config.thisScada().port(),
                new String(ConfigurationFile.toBytes(config), StandardCharsets.UTF_8), setFingerprint, projectFingerprint,
                identity.fingerprint());
    }

    private Hello hello(String kind) {
        Partner any = config.activePartners().isEmpty() ? null : config.activePartners().get(0);
        return new Hello(LinkProtocol.VERSION, LinkProtocol.PRODUCT, kind, symbol(), settings.bindAddress(),
                config.thisScada().port(), term, role.jsonName(), health, setFingerprint, projectFingerprint,
                any == null ? 0 : any.periodMs(), any == null ? 0 : any.timeoutMs());
    }

    private LinkClient probeClient(int timeoutMs) {
        return new LinkClient(group, clientSsl, settings.bindAddress(), timeoutMs);
    }

    // =====================================================================================
    // Helpers
    // =====================================================================================

    private String symbol() {
        return config.thisScada().symbol();
    }

    private static String key(String symbol) {
        return symbol.strip().toLowerCase(Locale.ROOT);
    }

    private void log(String message) {
        listener.log(symbol() + " " + message);
    }

    private <T> CompletableFuture<T> onLoop(java.util.concurrent.Callable<T> action) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    f.complete(action.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
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

    /** The current role (for tests and the component), read on the loop. */
    public Role role() {
        return status().role();
    }

    // =====================================================================================
    // One partner
    // =====================================================================================

    /** The link to one partner and what this server knows of it. Loop-confined like the node. */
    private final class PartnerLink {
        Partner config;
        Channel outbound;
        boolean outboundReady;
        Channel inbound;
        boolean alive;
        long lastHeardNanos = -1;
        long lastHeartbeatMillis = -1;
        long lastContactNanos = -1;
        long lostDetectedMillis = -1;
        Role reportedRole;
        long reportedTerm = -1;
        /** The last term in which the partner was primary, from its heartbeats. */
        long reportedServedTerm;
        int reportedHealth = -1;
        long echoNanos;
        long echoReceivedAtNanos;
        double rttMs = -1;
        long sequence;
        int retries;
        boolean fault;
        boolean faultFromHealth;
        String faultReason = "";
        String verified = "not checked";
        String peerFingerprint = "";
        boolean goodbye;
        boolean goodbyeStopping;
        boolean closed;
        boolean crashProbeRunning;
        boolean failbackRequested;
        CompletableFuture<Void> handoverAck;
        ScheduledFuture<?> heartbeatTimer;
        ScheduledFuture<?> silenceTimer;
        ScheduledFuture<?> reconnectTimer;
        ScheduledFuture<?> failbackTimer;
        final SendBudget budget = new SendBudget();
        /** Channel send queues, drained in turn; credits the partner granted per channel. */
        final Map<String, ArrayDeque<byte[]>> sendQueues = new LinkedHashMap<>();
        final Map<String, Long> sendCredit = new java.util.HashMap<>();
        /** Bytes received per channel and handled, not yet granted back. */
        final Map<String, Long> ungranted = new java.util.HashMap<>();

        PartnerLink(Partner config) {
            this.config = config;
            budgets.put(key(config.symbol()), budget);
        }

        /** Channel messages are accepted exactly while the status says Connected. */
        void updateSendable() {
            budget.connected = alive && outboundReady && !closed;
        }

        // ---- channels ----

        void enqueue(String channel, byte[] message) {
            sendQueues.computeIfAbsent(channel, c -> new ArrayDeque<>()).addLast(message);
            drain();
        }

        /** Writes queued channel messages while the partner's window and our write buffer allow. */
        void drain() {
            if (!outboundReady || outbound == null) {
                return;
            }
            boolean wrote = false;
            boolean progress = true;
            while (progress && outbound.isWritable()) {
                progress = false;
                for (Map.Entry<String, ArrayDeque<byte[]>> e : sendQueues.entrySet()) {
                    byte[] head = e.getValue().peekFirst();
                    long credit = sendCredit.getOrDefault(e.getKey(), (long) ChannelFrames.WINDOW_BYTES);
                    if (head == null || credit < head.length) {
                        continue;
                    }
                    e.getValue().removeFirst();
                    sendCredit.put(e.getKey(), credit - head.length);
                    outbound.write(ChannelFrames.message(e.getKey(), head));
                    boolean hadNoRoom = budget.release(head.length);
                    if (hadNoRoom) {
                        listener.channelWritable(config.symbol());
                    }
                    wrote = true;
                    progress = true;
                    if (!outbound.isWritable()) {
                        break;
                    }
                }
            }
            if (wrote) {
                outbound.flush();
            }
        }

        void credited(ChannelFrames.Credit c) {
            sendCredit.merge(c.channel(), (long) c.bytes(), Long::sum);
            drain();
        }

        /** A received channel message was handled: grant the sender more once a quarter window is used. */
        void consumed(String channel, int bytes) {
            long total = ungranted.merge(channel, (long) bytes, Long::sum);
            if (total >= ChannelFrames.WINDOW_BYTES / 4 && outboundReady) {
                ungranted.put(channel, 0L);
                send(ChannelFrames.credit(channel, (int) total));
            }
        }

        /** At every new connection both sides start with a full window; what was in flight is gone. */
        void resetChannels() {
            long dropped = 0;
            for (ArrayDeque<byte[]> q : sendQueues.values()) {
                for (byte[] m : q) {
                    dropped += m.length;
                }
                q.clear();
            }
            budget.release(dropped);
            sendCredit.clear();
            ungranted.clear();
        }

        InetSocketAddress remote() {
            return new InetSocketAddress(IpAddresses.parse(config.ipAddress()).orElseThrow(), config.port());
        }

        boolean outboundUp() {
            return outbound != null && outbound.isActive();
        }

        // ---- connecting, retries and fault ----

        void connect() {
            if (closed || stopping || outboundUp()) {
                return;
            }
            cancel(reconnectTimer);
            Bootstrap b = LinkChannels.client(group, clientSsl, () -> new OutboundHandler(this),
                    Math.max(200, Math.min(config.timeoutMs(), 5000)));
            ChannelFuture f = b.connect(remote(), new InetSocketAddress(settings.bindAddress(), 0));
            outbound = f.channel();
            f.addListener((ChannelFutureListener) done -> {
                if (!done.isSuccess()) {
                    connectFailed(done.cause());
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
            retries++;
            // During the startup allowance a partner that does not answer may simply be starting
            // too: it is not a Fault yet (no alarm flash when a set starts), the retries go on.
            if (!fault && !starting && retries > config.retryCount()) {
                setFault("no connection after " + config.retryCount() + (config.retryCount() == 1 ? " retry" : " retries")
                        + " (" + why + ")", false);
            }
            scheduleReconnect(fault ? Math.max(SLOW_RETRY_MIN_MS, 10L * config.timeoutMs()) : config.periodMs());
            statusChanged();
        }

        void scheduleReconnect(long delayMs) {
            cancel(reconnectTimer);
            if (!closed && !stopping && config.activate()) {
                reconnectTimer = loop.schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
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
                log(config.symbol() + " shows Fault: " + reason);
            }
            fault = true;
            faultFromHealth = fromHealth || reason.startsWith("it reports itself unhealthy");
            faultReason = reason;
            statusChanged();
        }

        void clearFault() {
            if (fault) {
                log(config.symbol() + " fault cleared");
            }
            fault = false;
            faultFromHealth = false;
            faultReason = "";
            statusChanged();
        }

        /** Our outbound connection finished its handshake: heartbeats start. */
        void outboundWelcomed(Hello welcome, String fingerprint) {
            resetChannels();
            outboundReady = true;
            updateSendable();
            retries = 0;
            peerFingerprint = fingerprint;
            if (fault && !faultFromHealth) {
                clearFault();
            }
            log("connected to " + config.symbol() + " at " + config.ipAddress() + ":" + config.port() + " (it is "
                    + welcome.role() + ", term " + welcome.term() + ")");
            cancel(heartbeatTimer);
            sendHeartbeat();
            heartbeatTimer = loop.scheduleAtFixedRate(this::sendHeartbeat, config.periodMs(), config.periodMs(),
                    TimeUnit.MILLISECONDS);
            statusChanged();
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
            resetChannels();
            cancel(heartbeatTimer);
            if (closed) {
                return;
            }
            if (wasReady) {
                log("link to " + config.symbol() + " closed" + (goodbye ? " (it said goodbye)" : ""));
                retries = 0;
                if (!goodbye) {
                    probeForCrash();
                }
                scheduleReconnect(config.retryCount() == 0 ? 0 : config.periodMs());
                if (config.retryCount() == 0 && !fault) {
                    setFault("link lost and Retry Count is 0", false);
                }
                statusChanged();
            }
        }

        // ---- the partner's connection to us ----

        void inboundAccepted(Channel ch, Hello hello) {
            if (inbound != null && inbound != ch) {
                inbound.close();
            }
            inbound = ch;
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
                    onPartnerLost(this, RoleChangeCause.GRACEFUL_HANDOVER, "it stopped gracefully");
                }
                // a link restart (configuration change) is no loss: it reconnects, and Timeout still guards
            } else if (alive) {
                probeForCrash();
            }
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
            lastContactNanos = Math.max(lastContactNanos, System.nanoTime()); // the reset is its last sign of life
            probe(1);
        }

        /**
         * One plain TCP connect to the partner's port. A dying process's kernel closes its
         * connections and its listening socket one after the other: a probe right after the reset
         * can still land in the dying listener's backlog and prove nothing, so an inconclusive
         * probe is repeated a few times (25, 50, 75 ms later) before the Timeout is left to decide.
         */
        private void probe(int attempt) {
            new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(100, config.timeoutMs()))
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(remote(), new InetSocketAddress(settings.bindAddress(), 0))
                    .addListener((ChannelFutureListener) f -> {
                        if (f.isSuccess()) {
                            f.channel().close();
                        }
                        if (closed || !alive) {
                            crashProbeRunning = false;
                            return;
                        }
                        if (!f.isSuccess() && LinkChannels.classify(f.cause()) == Failure.REFUSED) {
                            crashProbeRunning = false;
                            onPartnerLost(this, RoleChangeCause.CONNECTION_REFUSED,
                                    "its link was reset and " + config.ipAddress() + ":" + config.port()
                                            + " refuses connections: its process is gone");
                        } else if (attempt < CRASH_PROBES) {
                            loop.schedule(() -> probe(attempt + 1), 25L * attempt, TimeUnit.MILLISECONDS);
                        } else {
                            crashProbeRunning = false;
                        }
                    });
        }

        // ---- heartbeats ----

        void heard(Heartbeat hb, long now) {
            alive = true;
            updateSendable();
            goodbye = false;
            reportedRole = hb.role();
            reportedTerm = Math.max(reportedTerm, hb.term());
            reportedServedTerm = hb.servedTerm();
            reportedHealth = hb.health();
            lastHeartbeatMillis = System.currentTimeMillis();
            contact(now);
            echoNanos = hb.sentNanos();
            echoReceivedAtNanos = now;
            if (hb.echoNanos() != 0) {
                long rtt = now - hb.echoNanos() - hb.echoHoldNanos();
                if (rtt >= 0 && rtt < TimeUnit.SECONDS.toNanos(60)) {
                    rttMs = rtt / 1_000_000.0;
                }
            }
        }

        /** Any frame from the partner: it is alive now; arm the Timeout deadline. */
        void contact(long now) {
            lastHeardNanos = now;
            lastContactNanos = now;
            if (silenceTimer == null || silenceTimer.isDone()) {
                armSilence(TimeUnit.MILLISECONDS.toNanos(config.timeoutMs()));
            }
        }

        /** The Timeout deadline passed: silent if nothing arrived since; else re-arm for the rest. */
        void checkSilence() {
            if (closed || lastHeardNanos < 0) {
                return;
            }
            long now = System.nanoTime();
            long silentNanos = now - lastHeardNanos;
            long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.timeoutMs());
            long overdue = overdueMs(now);
            if (overdue > 0 && !inGrace()) {
                onStall(overdue); // the watchdog tick is overdue: this process did not run, the silence may be ours
            }
            if (inGrace()) {
                // This process was frozen: read what piled up before believing the silence.
                armSilence(graceUntilNanos - now);
                return;
            }
            if (silentNanos >= timeoutNanos) {
                onPartnerLost(this, RoleChangeCause.TIMEOUT, "no heartbeat for " + config.timeoutMs() + " ms");
            } else {
                armSilence(timeoutNanos - silentNanos);
            }
        }

        void armSilence(long delayNanos) {
            silenceTimer = loop.schedule(this::checkSilence, delayNanos, TimeUnit.NANOSECONDS);
        }

        void sendHeartbeat() {
            if (!outboundReady || outbound == null) {
                return;
            }
            long now = System.nanoTime();
            long primaryFor = role == Role.PRIMARY ? TimeUnit.NANOSECONDS.toMillis(now - primarySinceNanos) : 0;
            Role announced = handingOver ? Role.PRIMARY : role;
            Heartbeat hb = new Heartbeat(announced, term, ++sequence, health, primaryFor, servedTerm, now, echoNanos,
                    echoNanos == 0 ? 0 : now - echoReceivedAtNanos);
            // Heartbeats are never queued behind bulk traffic: written and flushed directly.
            outbound.writeAndFlush(new Frame(FrameType.HEARTBEAT, hb.encode()));
        }

        void send(Frame frame) {
            if (outboundReady && outbound != null) {
                outbound.writeAndFlush(frame);
            }
        }

        void considerFailback() {
            if (config_failbackAutomatic() && !failbackRequested && outboundReady && failbackTimer == null
                    && health >= HEALTH_THRESHOLD) {
                failbackTimer = loop.schedule(() -> {
                    failbackTimer = null;
                    if (role == Role.BACKUP && alive && reportedRole == Role.PRIMARY && outboundReady && !failbackRequested) {
                        failbackRequested = true;
                        log("automatic fail-back: asking " + config.symbol() + " to hand the primary role back");
                        send(new Frame(FrameType.FAILBACK_REQUEST, LinkProtocol.toJson(new FailbackRequest(symbol()))));
                    }
                }, config.timeoutMs(), TimeUnit.MILLISECONDS);
            }
        }

        private boolean config_failbackAutomatic() {
            return RedundancyNode.this.config.thisScada().failback() == scada.redundancy.model.Failback.AUTOMATIC;
        }

        /** Takes over what a replaced link knew of the same partner, and its Timeout deadline. */
        void inherit(PartnerLink old) {
            alive = old.alive && config.activate();
            reportedRole = old.reportedRole;
            reportedTerm = old.reportedTerm;
            reportedServedTerm = old.reportedServedTerm;
            reportedHealth = old.reportedHealth;
            lastHeartbeatMillis = old.lastHeartbeatMillis;
            lastContactNanos = old.lastContactNanos;
            rttMs = old.rttMs;
            updateSendable();
            if (alive && old.lastHeardNanos >= 0) {
                lastHeardNanos = old.lastHeardNanos;
                long left = TimeUnit.MILLISECONDS.toNanos(config.timeoutMs()) - (System.nanoTime() - lastHeardNanos);
                armSilence(Math.max(0, left));
            }
        }

        /** A changed Period, Timeout, Retry Count or comment: applied to the running link. */
        void update(Partner next) {
            boolean newPeriod = next.periodMs() != config.periodMs();
            config = next;
            if (newPeriod && heartbeatTimer != null) {
                cancel(heartbeatTimer);
                heartbeatTimer = loop.scheduleAtFixedRate(this::sendHeartbeat, config.periodMs(), config.periodMs(),
                        TimeUnit.MILLISECONDS);
            }
            if (lastHeardNanos >= 0) {
                cancel(silenceTimer);
                long left = TimeUnit.MILLISECONDS.toNanos(config.timeoutMs()) - (System.nanoTime() - lastHeardNanos);
                armSilence(Math.max(0, left));
            }
        }

        void close(String reason, boolean stopping) {
            closed = true;
            budget.connected = false;
            budgets.remove(key(config.symbol()), budget);
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

        private void cancel(ScheduledFuture<?> f) {
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    // =====================================================================================
    // Connection handlers
    // =====================================================================================

    /** Our connection to a partner: HELLO, then heartbeats out; WELCOME/REJECT/GOODBYE in. */
    private final class OutboundHandler extends ChannelInboundHandlerAdapter {
        private final PartnerLink link;
        private boolean welcomed;
        /** The first real failure before WELCOME (e.g. a TLS 1.3 alert that arrives after our handshake finished). */
        private Throwable failure;
        private boolean tlsDone;

        OutboundHandler(PartnerLink link) {
            this.link = link;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent done) {
                if (done.isSuccess()) {
                    tlsDone = true;
                    ctx.writeAndFlush(new Frame(FrameType.HELLO, LinkProtocol.toJson(hello(LinkProtocol.KIND_SERVER))));
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
            switch (frame.type()) {
            case WELCOME -> {
                Hello welcome = LinkProtocol.fromJson(frame, Hello.class);
                if (welcome.protocol() != LinkProtocol.VERSION) {
                    throw new ProtocolException("protocol version " + welcome.protocol() + ", expected " + LinkProtocol.VERSION);
                }
                welcomed = true;
                link.contact(System.nanoTime());
                link.reportedTerm = Math.max(link.reportedTerm, welcome.term());
                link.outboundWelcomed(welcome, peerFingerprint(ctx));
            }
            case REJECT -> {
                link.outboundRejected(LinkProtocol.fromJson(frame, Reject.class));
                ctx.close();
            }
            case GOODBYE -> {
                link.goodbye = true;
                link.goodbyeStopping = LinkProtocol.fromJson(frame, Goodbye.class).stopping();
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
                            + " closed the connection before answering HELLO: it does not trust this server's certificate"
                            + " (SHA-256 " + identity.fingerprint() + ")");
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
            log("link to " + link.config.symbol() + ": " + LinkChannels.describe(cause) + "; closing the connection");
            ctx.close();
        }
    }

    /** A connection to us: a partner's link, a monitoring client or a probe. */
    private final class InboundHandler extends ChannelInboundHandlerAdapter {
        private PartnerLink link;
        private String kind;
        private ScheduledFuture<?> helloTimer;

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
            case HEARTBEAT -> {
                if (link == null) {
                    throw new ProtocolException("heartbeat from a " + kind + " connection");
                }
                onHeartbeat(link, Heartbeat.decode(frame.payload()));
            }
            case HANDOVER -> {
                if (link == null) {
                    throw new ProtocolException("HANDOVER from a " + kind + " connection");
                }
                onHandover(link, LinkProtocol.fromJson(frame, Handover.class));
            }
            case FAILBACK_REQUEST -> {
                if (link == null) {
                    throw new ProtocolException("FAILBACK_REQUEST from a " + kind + " connection");
                }
                onFailbackRequest(link);
            }
            case GOODBYE -> {
                if (link != null) {
                    link.goodbye = true;
                    link.goodbyeStopping = LinkProtocol.fromJson(frame, Goodbye.class).stopping();
                    link.contact(System.nanoTime());
                }
            }
            case CHANNEL -> {
                if (link == null) {
                    throw new ProtocolException("CHANNEL frame from a " + kind + " connection");
                }
                ChannelFrames.Message m = ChannelFrames.decodeMessage(frame.payload());
                link.contact(System.nanoTime());
                PartnerLink from = link;
                int size = m.body().length;
                listener.channelMessage(from.config.symbol(), m.channel(), m.body(),
                        () -> loop.execute(() -> from.consumed(m.channel(), size)));
            }
            case CREDIT -> {
                if (link == null) {
                    throw new ProtocolException("CREDIT frame from a " + kind + " connection");
                }
                link.credited(ChannelFrames.decodeCredit(frame.payload()));
            }
            case ACTION_REQUEST -> {
                if (!LinkProtocol.KIND_MONITOR.equals(kind)) {
                    throw new ProtocolException("ACTION_REQUEST from a " + kind + " connection");
                }
                act(ctx, LinkProtocol.fromJson(frame, LinkProtocol.ActionRequest.class));
            }
            case STATUS_REQUEST -> ctx.writeAndFlush(
                    new Frame(FrameType.STATUS, StatusJson.toJson(buildStatus()).getBytes(StandardCharsets.UTF_8)));
            case VERIFY_REQUEST -> ctx.writeAndFlush(new Frame(FrameType.VERIFY_RESPONSE, LinkProtocol.toJson(configView())));
            default -> throw new ProtocolException("unexpected " + frame.type() + " frame from a " + kind + " connection");
            }
        }

        private void accept(ChannelHandlerContext ctx, Hello hello) throws ProtocolException {
            if (hello.protocol() != LinkProtocol.VERSION) {
                reject(ctx, Failure.NOT_A_REDUNDANCY_SERVER, "protocol version " + hello.protocol() + " is not supported; this server speaks "
                        + LinkProtocol.VERSION + " (" + LinkProtocol.PRODUCT + ")");
                return;
            }
            if (hello.kind() == null) {
                throw new ProtocolException("HELLO without a kind");
            }
            if (LinkProtocol.KIND_SERVER.equals(hello.kind())) {
                String why = partnerRefusal(ctx, hello);
                if (why != null) {
                    reject(ctx, Failure.REJECTED, why);
                    return;
                }
                link = links.get(key(hello.symbol()));
                link.inboundAccepted(ctx.channel(), hello);
            } else if (LinkProtocol.KIND_MONITOR.equals(hello.kind())) {
                monitors.add(ctx.channel());
                statusChanged();
            } else if (!LinkProtocol.KIND_PROBE.equals(hello.kind())) {
                throw new ProtocolException("HELLO of unknown kind \"" + hello.kind() + "\"");
            }
            kind = hello.kind();
            helloTimer.cancel(false);
            ctx.writeAndFlush(new Frame(FrameType.WELCOME, LinkProtocol.toJson(hello(LinkProtocol.KIND_SERVER))));
        }

        /** An operator's action from an authenticated monitoring client; the result goes back on the same connection. */
        private void act(ChannelHandlerContext ctx, LinkProtocol.ActionRequest request) {
            Duration timeout = Duration.ofMillis(Math.max(100, Math.min(request.timeoutMs(), 60_000)));
            log("monitoring client " + ctx.channel().remoteAddress() + " asks: " + request.action()
                    + (request.partner() == null ? "" : " " + request.partner()));
            CompletionStage<?> result = switch (String.valueOf(request.action())) {
            case LinkProtocol.ACTION_TRY_TO_CONNECT -> tryToConnect(String.valueOf(request.partner()), timeout);
            case LinkProtocol.ACTION_VERIFY -> verify(String.valueOf(request.partner()), timeout);
            case LinkProtocol.ACTION_HAND_OVER -> handOver(timeout);
            default -> CompletableFuture.failedFuture(
                    new IllegalArgumentException("unknown action \"" + request.action() + "\""));
            };
            result.whenComplete((value, failure) -> {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                LinkProtocol.ActionResult answer = new LinkProtocol.ActionResult(
                        failure == null ? LinkProtocol.json().valueToTree(value) : null,
                        failure == null ? "" : String.valueOf(cause.getMessage()));
                ctx.writeAndFlush(new Frame(FrameType.ACTION_RESULT, LinkProtocol.toJson(answer)));
            });
        }

        /** Why a server that says HELLO is not accepted as a partner, or null. */
        private String partnerRefusal(ChannelHandlerContext ctx, Hello hello) {
            PartnerLink l = hello.symbol() == null ? null : links.get(key(hello.symbol()));
            String remote = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
            if (l == null) {
                return "\"" + hello.symbol() + "\" is not a partner of " + symbol() + "; add it to " + symbol()
                        + "'s Partners table";
            }
            if (!l.config.activate()) {
                return "the partner row \"" + l.config.symbol() + "\" is not activated on " + symbol();
            }
            if (!Fingerprints.normalize(l.config.ipAddress()).equals(remote)) {
                return symbol() + " expects \"" + l.config.symbol() + "\" at " + l.config.ipAddress() + ", not at " + remote;
            }
            if (hello.port() != config.thisScada().port()) {
                return "wrong port: " + hello.symbol() + " uses " + hello.port() + ", " + symbol() + " uses "
                        + config.thisScada().port() + " (port numbers must match on both servers)";
            }
            String pinned = l.config.normalizedCertificateSha256();
            String presented = peerFingerprint(ctx);
            if (!pinned.isEmpty() && !pinned.equals(presented)) {
                return "the certificate of \"" + l.config.symbol() + "\" is not the one pinned on " + symbol();
            }
            return null;
        }

        private void reject(ChannelHandlerContext ctx, Failure code, String reason) {
            log("refused a connection from " + ctx.channel().remoteAddress() + ": " + reason);
            kind = "rejected";
            ctx.writeAndFlush(new Frame(FrameType.REJECT, LinkProtocol.toJson(new Reject(code.name(), reason))))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (helloTimer != null) {
                helloTimer.cancel(false);
            }
            if (monitors.remove(ctx.channel())) {
                statusChanged();
            }
            if (link != null) {
                link.inboundClosed(ctx.channel());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable root = LinkChannels.root(cause);
            if (!(root instanceof IOException) || link != null) {
                log("closing a connection from " + ctx.channel().remoteAddress() + ": " + LinkChannels.describe(cause));
            }
            ctx.close();
        }
    }

    static String peerFingerprint(ChannelHandlerContext ctx) {
        try {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            java.security.cert.Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            return LinkIdentity.fingerprintOf((java.security.cert.X509Certificate) chain[0]);
        } catch (Exception e) {
            return "";
        }
    }


    /** The bytes queued for one partner: reserved by any thread, released on the loop. */
    static final class SendBudget {
        private final java.util.concurrent.atomic.AtomicLong queued = new java.util.concurrent.atomic.AtomicLong();
        private volatile boolean full;
        volatile boolean connected;

        boolean reserve(int bytes) {
            while (true) {
                long now = queued.get();
                if (now + bytes > ChannelFrames.QUEUE_BYTES) {
                    full = true;
                    return false;
                }
                if (queued.compareAndSet(now, now + bytes)) {
                    return true;
                }
            }
        }

        /** @return true if a sender had been told no and there is room again now */
        boolean release(long bytes) {
            long left = queued.addAndGet(-bytes);
            if (full && left <= ChannelFrames.QUEUE_BYTES / 2) {
                full = false;
                return true;
            }
            return false;
        }
    }
}
