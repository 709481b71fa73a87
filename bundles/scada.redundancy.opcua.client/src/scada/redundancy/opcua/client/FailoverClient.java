package scada.redundancy.opcua.client;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.api.UaSession;
import org.eclipse.milo.opcua.sdk.client.subscriptions.ManagedDataItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.ManagedSubscription;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.client.DiscoveryClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.Identifiers;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ApplicationDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;

/**
 * An OPC UA client that follows the primary of a redundant server set the standard way
 * (non-transparent redundancy, OPC UA Part 4 §6.6.2): it keeps a session on every server of the
 * set watching its {@code Server/ServiceLevel}, keeps its data subscription on the best one (see
 * {@link ServerChoice}), and moves the subscription by itself when that server is lost (its
 * connection closes, its session's keep-alive fails, or it falls silent for
 * {@link Builder#silenceTimeout}) or another's ServiceLevel rises above it.
 * <p>
 * The set: the endpoints given, plus those the first server reached advertises — it reads
 * {@code Server/ServerRedundancy/ServerUriArray} and asks FindServers where those servers are.
 * <p>
 * One session per server serves both the watch and, on the chosen server, the data subscription:
 * a move is one CreateSubscription on a session already open, not a connection. A server whose
 * session is lost, or that could not be reached, is tried again by this client (not by Milo's own
 * reconnect, which backs off to 16 s: a backup that returned would stay unseen that long, and the
 * next failover would wait for it), 0.5 s later and then at most every 2 s.
 * <p>
 * <b>Threads.</b> Everything this client knows is owned by one thread, "opcua-failover-client",
 * which also calls the {@link FailoverListener}; Milo's callbacks only hand events to it. Nothing
 * blocks it: connections, reads and subscriptions complete asynchronously, each with a timeout.
 *
 * <pre>
 * try (FailoverClient client = FailoverClient.builder()
 *         .endpoints("opc.tcp://127.0.0.1:4840", "opc.tcp://127.0.0.2:4840")
 *         .identity(ClientIdentity.loadOrCreate(dir, "hmi"))
 *         .tags("Line1/Speed", "Line1/Running")
 *         .listener(myListener)
 *         .start()) {
 *     String server = client.awaitCurrentServer(Duration.ofSeconds(10));
 *     ...
 * }
 * </pre>
 */
public final class FailoverClient implements AutoCloseable {
    /** The namespace of a Duplex server's tags: a tag name given to {@link Builder#tags} is {@code ns=<this>;s=NAME}. */
    public static final String TAG_NAMESPACE = "urn:duplex:scada:tags";
    /** The ServiceLevel subscription: sampled and published every 100 ms, a keep-alive at least every 3 intervals. */
    static final double LEVEL_INTERVAL_MS = 100.0;
    static final int LEVEL_KEEP_ALIVE_COUNT = 3;
    static final long TICK_MS = 100;
    static final long RETRY_FIRST_MS = 500;
    /** At most this long between attempts at a lost server: a backup that returns is seen within it. */
    static final long RETRY_MAX_MS = 2000;
    /** How long the first choice waits for servers that have neither answered nor failed yet. */
    static final Duration FIRST_CHOICE_WAIT = Duration.ofSeconds(2);

    private final Settings settings;
    private final FailoverListener listener;
    private final ScheduledExecutorService owner;

    // ---- owned by the owner thread
    private final Map<String, Server> servers = new LinkedHashMap<>();
    private boolean setLearnt;
    /** The server the data subscription is on (or being placed on); null while on none. */
    private Server current;
    private DataSubscription data;
    private int dataGeneration;
    /** The server the subscription was on before it was lost, while it is on none. */
    private String lostFrom;
    private String lostReason;
    private Instant lastValueAt;
    private PendingSwitch pending;
    private boolean placedOnce;
    private long dataRetryAtNanos;
    private boolean closed;
    private final long startedNanos = System.nanoTime();

    // ---- read by any thread
    private volatile List<ServerView> view = List.of();
    private volatile String currentUrl;
    private final Object currentChanged = new Object();
    private volatile String lastProblem;

    private FailoverClient(Settings settings) {
        this.settings = settings;
        this.listener = settings.listener;
        this.owner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "opcua-failover-client");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The endpoint URL of the server the subscription is on, empty while it is on none. */
    public Optional<String> currentServer() {
        return Optional.ofNullable(currentUrl);
    }

    /** What the client knows of every server of the set, in the order given (then discovered). */
    public List<ServerView> servers() {
        return view;
    }

    /**
     * Waits until the subscription is on a server and returns that server's endpoint URL.
     *
     * @throws TimeoutException naming the last problem heard (e.g. a refused certificate) when it
     *                          is on none within {@code timeout}
     */
    public String awaitCurrentServer(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (currentChanged) {
            while (currentUrl == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no server of " + settings.endpoints + " serves this client after "
                            + timeout.toMillis() + " ms" + (lastProblem == null ? "" : ": " + lastProblem));
                }
                TimeUnit.NANOSECONDS.timedWait(currentChanged, left);
            }
            return currentUrl;
        }
    }

    /** Closes every session; returns once they are closed (at most a few seconds). Idempotent. */
    @Override
    public void close() {
        CompletableFuture<List<CompletableFuture<?>>> closing = new CompletableFuture<>();
        try {
            owner.execute(() -> closing.complete(closeOnOwner()));
        } catch (RejectedExecutionException e) {
            return; // closed already
        }
        try {
            List<CompletableFuture<?>> disconnects = closing.get(5, TimeUnit.SECONDS);
            CompletableFuture.allOf(disconnects.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // a server that does not answer CloseSession: its session times out on its side
        } finally {
            owner.shutdownNow();
        }
    }

    private List<CompletableFuture<?>> closeOnOwner() {
        if (closed) {
            return List.of();
        }
        closed = true;
        finishPending(null);
        List<CompletableFuture<?>> disconnects = new ArrayList<>();
        for (Server s : servers.values()) {
            if (s.retry != null) {
                s.retry.cancel(false);
            }
            s.generation++;
            if (s.client != null) {
                disconnects.add(s.client.disconnect());
                s.client = null;
            }
        }
        setCurrent(null);
        publishView();
        return disconnects;
    }

    // ------------------------------------------------------------ start

    private FailoverClient start() {
        owner.execute(() -> {
            for (String url : settings.endpoints) {
                addServer(url);
            }
            publishView();
        });
        owner.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    private void addServer(String url) {
        String key = SecureConnection.withoutTrailingSlash(url);
        if (!servers.containsKey(key)) {
            Server s = new Server(key);
            servers.put(key, s);
            connect(s);
        }
    }

    /** Runs {@code task} on the owner thread unless the client is closed. */
    private void post(Runnable task) {
        try {
            owner.execute(() -> {
                if (!closed) {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        problem(null, "internal error: " + e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    // ------------------------------------------------------------ one server's session

    /** One server of the set and the session to it. Owned by the owner thread. */
    private static final class Server {
        final String url;
        String applicationUri = "";
        String discoveryUrl;
        OpcUaClient client;
        /** Bumped whenever the session is replaced or dropped: callbacks of an older one are ignored. */
        int generation;
        boolean connecting;
        /** The session is active (Milo reconnects a lost one by itself; this is false meanwhile). */
        boolean active;
        /** The ServiceLevel the server last sent, -1 before its first. */
        int level = -1;
        long lastHeardNanos;
        boolean silent;
        ManagedSubscription levelSubscription;
        int failures;
        ScheduledFuture<?> retry;
        String lastProblem;

        Server(String url) {
            this.url = url;
        }

        /** The level the choice uses: -1 when it is not connected, silent or not yet known. */
        int effectiveLevel() {
            return active && !silent ? level : -1;
        }
    }

    private void connect(Server s) {
        s.connecting = true;
        int generation = ++s.generation;
        SecureConnection.open(s.url, settings.identity, settings.anonymous, settings.connectTimeout, settings.keepAliveInterval)
                .whenComplete((opened, failure) -> post(() -> {
                    if (s.generation != generation) {
                        if (opened != null) {
                            opened.client().disconnect();
                        }
                        return;
                    }
                    s.connecting = false;
                    if (failure != null) {
                        connectFailed(s, SecureConnection.unwrap(failure).getMessage());
                    } else {
                        connected(s, opened);
                    }
                }));
    }

    private void connectFailed(Server s, String why) {
        s.failures++;
        long delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS << Math.min(s.failures - 1, 10));
        if (why.startsWith(s.url + " ")) {
            why = why.substring(s.url.length() + 1); // the listener is told which server already
        } else if (why.startsWith(s.url + ": ")) {
            why = why.substring(s.url.length() + 2);
        }
        if (!why.equals(s.lastProblem)) { // a server that stays down is reported once, not at every attempt
            s.lastProblem = why;
            problem(s.url, why + "; trying again in " + delay / 1000.0 + " s, then less often (at least every "
                    + RETRY_MAX_MS / 1000 + " s)");
        }
        s.retry = owner.schedule(() -> post(() -> connect(s)), delay, TimeUnit.MILLISECONDS);
    }

    private void connected(Server s, SecureConnection.Opened opened) {
        s.client = opened.client();
        s.discoveryUrl = opened.discoveryUrl();
        s.applicationUri = Objects.requireNonNullElse(opened.endpoint().getServer().getApplicationUri(), "");
        s.failures = 0;
        s.lastProblem = null;
        int generation = s.generation;
        s.client.addSessionActivityListener(new SessionActivityListener() {
            @Override
            public void onSessionActive(UaSession session) {
                post(() -> {
                    if (s.generation == generation && !s.active) {
                        sessionActive(s);
                    }
                });
            }

            @Override
            public void onSessionInactive(UaSession session) {
                post(() -> {
                    if (s.generation == generation && s.active) {
                        sessionLost(s, "connection lost");
                    }
                });
            }
        });
        sessionActive(s);
        if (!setLearnt) {
            setLearnt = true;
            learnSet(s);
        }
    }

    private void sessionActive(Server s) {
        s.active = true;
        s.silent = false;
        s.lastHeardNanos = System.nanoTime();
        watchServiceLevel(s);
        publishView();
    }

    /**
     * The session is gone (Milo is already trying to open it again): its subscriptions are
     * forgotten here and made anew when it is back, rather than transferred, so that exactly one
     * of each exists whatever the server remembers.
     */
    private void sessionLost(Server s, String why) {
        s.active = false;
        s.levelSubscription = null;
        OpcUaClient gone = s.client;
        s.client = null;
        s.generation++; // what the old session still reports is ignored
        if (gone != null) {
            gone.getSubscriptionManager().clearSubscriptions();
            gone.disconnect(); // stops Milo's own reconnect: this client decides when to try again
        }
        levelChanged(s, -1);
        if (current == s) {
            lose(why);
        }
        choose();
        if (s.retry != null) {
            s.retry.cancel(false);
        }
        s.retry = owner.schedule(() -> post(() -> connect(s)), RETRY_FIRST_MS, TimeUnit.MILLISECONDS);
    }

    private void watchServiceLevel(Server s) {
        int generation = s.generation;
        OpcUaClient client = s.client;
        client.getSubscriptionManager()
                .createSubscription(LEVEL_INTERVAL_MS, uint(LEVEL_KEEP_ALIVE_COUNT * 10L), uint(LEVEL_KEEP_ALIVE_COUNT),
                        uint(0), true, ubyte(0))
                .thenCompose(created -> {
                    ManagedSubscription subscription = new ManagedSubscription(client, (OpcUaSubscription) created);
                    subscription.addChangeListener(new ManagedSubscription.ChangeListener() {
                        @Override
                        public void onDataReceived(List<ManagedDataItem> items, List<DataValue> values) {
                            DataValue last = values.get(values.size() - 1);
                            int level = last.getValue().getValue() instanceof Number n && last.getStatusCode() != null
                                    && last.getStatusCode().isGood() ? n.intValue() : -1;
                            post(() -> {
                                if (s.generation == generation && s.active) {
                                    heard(s);
                                    levelChanged(s, level);
                                    choose();
                                }
                            });
                        }

                        @Override
                        public void onKeepAliveReceived() {
                            post(() -> {
                                if (s.generation == generation) {
                                    heard(s);
                                }
                            });
                        }
                    });
                    return subscription.createDataItemsAsync(LEVEL_INTERVAL_MS,
                            List.of(new ReadValueId(Identifiers.Server_ServiceLevel, AttributeId.Value.uid(), null,
                                    QualifiedName.NULL_VALUE)))
                            .thenApply(items -> subscription);
                })
                .orTimeout(settings.connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((subscription, failure) -> post(() -> {
                    if (s.generation != generation) {
                        return;
                    }
                    if (failure != null) {
                        problem(s.url, "cannot watch its ServiceLevel: " + SecureConnection.unwrap(failure).getMessage());
                        return; // Milo's keep-alive notices a dead session; a live one is watched again when it comes back
                    }
                    s.levelSubscription = subscription;
                }));
    }

    private void heard(Server s) {
        s.lastHeardNanos = System.nanoTime();
        if (s.silent) {
            s.silent = false;
            listener.serviceLevel(s.url, s.level);
            publishView();
            choose();
        }
    }

    private void levelChanged(Server s, int level) {
        int before = s.effectiveLevel();
        s.level = level;
        if (s.effectiveLevel() != before) {
            listener.serviceLevel(s.url, s.effectiveLevel());
        }
        publishView();
    }

    /** Every {@value #TICK_MS} ms: a server that sent nothing (no value, no keep-alive) for silenceTimeout is silent. */
    private void tick() {
        post(() -> {
            long now = System.nanoTime();
            boolean changed = false;
            for (Server s : servers.values()) {
                if (s.active && !s.silent && s.levelSubscription != null
                        && now - s.lastHeardNanos > settings.silenceTimeout.toNanos()) {
                    s.silent = true;
                    listener.serviceLevel(s.url, -1);
                    if (current == s) {
                        lose("no answer for " + settings.silenceTimeout.toMillis() + " ms");
                    }
                    changed = true;
                }
            }
            if (changed) {
                publishView();
            }
            if (changed || (data == null && now - dataRetryAtNanos >= 0)) {
                choose();
            }
        });
    }

    // ------------------------------------------------------------ the set

    /**
     * Learns the other servers of the set from the first server reached: ServerUriArray names
     * them, FindServers may say where they are. Those not found are assumed to be among the given
     * endpoints that have not answered yet; if there are more, the operator is told.
     */
    private void learnSet(Server first) {
        OpcUaClient client = first.client;
        CompletableFuture<DataValue> uris = client.readValue(0.0, TimestampsToReturn.Neither,
                Identifiers.Server_ServerRedundancy_ServerUriArray);
        CompletableFuture<List<ApplicationDescription>> found = DiscoveryClient.findServers(first.discoveryUrl)
                .exceptionally(e -> List.of()); // FindServers is optional for a server
        uris.thenCombine(found, (v, apps) -> {
            String[] names = v.getValue().getValue() instanceof String[] a ? a : new String[0];
            return new Object[] { names, apps };
        }).orTimeout(settings.connectTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, failure) -> post(() -> {
            if (failure != null) {
                problem(first.url, "cannot read ServerUriArray (" + SecureConnection.unwrap(failure).getMessage()
                        + "): the set is the endpoints given");
                return;
            }
            String[] names = (String[]) r[0];
            @SuppressWarnings("unchecked")
            List<ApplicationDescription> apps = (List<ApplicationDescription>) r[1];
            List<String> unlocated = new ArrayList<>();
            for (String uri : names) {
                if (servers.values().stream().anyMatch(s -> s.applicationUri.equals(uri))) {
                    continue;
                }
                Optional<String> where = apps.stream().filter(a -> uri.equals(a.getApplicationUri()))
                        .flatMap(a -> a.getDiscoveryUrls() == null ? java.util.stream.Stream.empty()
                                : java.util.Arrays.stream(a.getDiscoveryUrls()))
                        .filter(u -> u != null && u.startsWith("opc.tcp:")).findFirst();
                if (where.isPresent()) {
                    String url = where.get();
                    if (url.endsWith(SecureConnection.DISCOVERY_PATH)) {
                        url = url.substring(0, url.length() - SecureConnection.DISCOVERY_PATH.length());
                    }
                    addServer(url);
                } else {
                    unlocated.add(uri);
                }
            }
            long unknownEndpoints = servers.values().stream().filter(s -> s.applicationUri.isEmpty()).count();
            if (unlocated.size() > unknownEndpoints) {
                problem(null, "the set also has " + unlocated + " (ServerUriArray of " + first.url
                        + "), which FindServers does not locate and the endpoints given do not cover: give their endpoint URLs too");
            }
            publishView();
        }));
    }

    // ------------------------------------------------------------ the data subscription

    /** The subscription is on no server any more: its server was lost. */
    private void lose(String why) {
        if (current == null) {
            return;
        }
        lostFrom = current.url;
        lostReason = why;
        if (data != null && data.subscription != null && current.active) {
            data.subscription.deleteAsync(); // a silent server that answers again must not keep publishing to nobody
        }
        data = null;
        dataGeneration++;
        setCurrent(null);
    }

    /** Places the subscription on the best server, or moves it there. */
    private void choose() {
        if (closed) {
            return;
        }
        Map<String, Integer> levels = new LinkedHashMap<>();
        for (Server s : servers.values()) {
            if (s.effectiveLevel() >= 0 && s.client != null) {
                levels.put(s.url, s.effectiveLevel());
            }
        }
        String target = ServerChoice.choose(current == null ? null : current.url, levels);
        if (target == null || (current != null && target.equals(current.url))) {
            return;
        }
        if (current == null && System.nanoTime() - dataRetryAtNanos < 0) {
            return; // placing it failed a moment ago: wait for the retry
        }
        if (!placedOnce && System.nanoTime() - startedNanos < FIRST_CHOICE_WAIT.toNanos()
                && servers.values().stream().anyMatch(s -> s.effectiveLevel() < 0 && s.failures == 0)) {
            return; // the first choice waits (briefly) to hear every server, rather than move a moment later
        }
        Server to = servers.get(target);
        String reason;
        String from;
        if (current != null) {
            from = current.url;
            reason = "ServiceLevel " + current.effectiveLevel() + " (" + ServerChoice.subRangeName(current.effectiveLevel())
                    + ") here, " + to.effectiveLevel() + " (" + ServerChoice.subRangeName(to.effectiveLevel()) + ") there";
            DataSubscription old = data;
            if (old != null && old.subscription != null) {
                old.subscription.deleteAsync(); // its session lives on, watching ServiceLevel
            }
        } else {
            from = lostFrom;
            reason = lostReason;
        }
        place(to, from, reason);
    }

    private void place(Server to, String from, String reason) {
        finishPending(null);
        Instant now = Instant.now();
        if (placedOnce) {
            pending = new PendingSwitch(from, to.url, reason, now, lastValueAt);
        } else {
            placedOnce = true;
            listener.firstServer(to.url);
        }
        lostFrom = null;
        lostReason = null;
        setCurrent(to);
        int generation = ++dataGeneration;
        data = new DataSubscription(to, generation);
        if (settings.items.isEmpty()) {
            finishPending(null);
            return;
        }
        OpcUaClient client = to.client;
        Map<NodeId, String> names = new HashMap<>();
        List<ReadValueId> reads = new ArrayList<>();
        for (String item : settings.items) {
            NodeId node = resolve(client, item);
            if (node == null) {
                problem(to.url, "has no namespace for '" + item + "' (" + (item.startsWith("ns") ? "its namespace index or URI"
                        : TAG_NAMESPACE) + " is not in its NamespaceArray): not subscribed there");
                continue;
            }
            names.put(node, item);
            reads.add(new ReadValueId(node, AttributeId.Value.uid(), null, QualifiedName.NULL_VALUE));
        }
        ManagedSubscription.createAsync(client, settings.publishingInterval.toMillis())
                .thenCompose(subscription -> {
                    subscription.setDefaultTimestamps(TimestampsToReturn.Both);
                    subscription.addChangeListener(new ManagedSubscription.ChangeListener() {
                        @Override
                        public void onDataReceived(List<ManagedDataItem> items, List<DataValue> values) {
                            Instant received = Instant.now();
                            List<TagValue> batch = new ArrayList<>(items.size());
                            for (int i = 0; i < items.size(); i++) {
                                batch.add(tagValue(to.url, names.getOrDefault(items.get(i).getNodeId(),
                                        items.get(i).getNodeId().toParseableString()), values.get(i), received));
                            }
                            post(() -> valuesArrived(generation, batch));
                        }
                    });
                    return subscription.createDataItemsAsync(settings.samplingInterval.toMillis(), reads)
                            .thenApply(items -> new Object[] { subscription, items });
                })
                .orTimeout(settings.connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, failure) -> post(() -> {
                    if (generation != dataGeneration) {
                        if (r != null) {
                            ((ManagedSubscription) r[0]).deleteAsync(); // moved on meanwhile
                        }
                        return;
                    }
                    if (failure != null) {
                        problem(to.url, "cannot subscribe there: " + SecureConnection.unwrap(failure).getMessage()
                                + "; trying again in 1 s");
                        lose("subscription failed");
                        dataRetryAtNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                        return;
                    }
                    data.subscription = (ManagedSubscription) r[0];
                    @SuppressWarnings("unchecked")
                    List<ManagedDataItem> items = (List<ManagedDataItem>) r[1];
                    for (ManagedDataItem item : items) {
                        if (!item.getStatusCode().isGood()) {
                            problem(to.url, "refused to monitor '" + names.get(item.getNodeId()) + "': "
                                    + SecureConnection.name(item.getStatusCode().getValue()));
                        }
                    }
                }));
    }

    private static NodeId resolve(OpcUaClient client, String item) {
        if (item.startsWith("ns=") || item.startsWith("nsu=") || item.startsWith("i=") || item.startsWith("s=")) {
            Optional<NodeId> node = ExpandedNodeId.parse(item).toNodeId(client.getNamespaceTable());
            return node.orElse(null);
        }
        var index = client.getNamespaceTable().getIndex(TAG_NAMESPACE);
        return index == null ? null : new NodeId(index, item);
    }

    private static TagValue tagValue(String server, String tag, DataValue v, Instant received) {
        StatusCode status = v.getStatusCode() == null ? StatusCode.GOOD : v.getStatusCode();
        Object value = v.getValue() == null ? null : v.getValue().getValue();
        Instant source = v.getSourceTime() == null || v.getSourceTime().isNull() ? null : v.getSourceTime().getJavaInstant();
        return new TagValue(server, tag, value, status.getValue(), SecureConnection.name(status.getValue()), source, received);
    }

    private void valuesArrived(int generation, List<TagValue> batch) {
        if (generation != dataGeneration) {
            return; // from a subscription left behind
        }
        for (TagValue v : batch) {
            lastValueAt = v.receivedAt();
            if (pending != null && v.good()) {
                finishPending(v.receivedAt());
            }
            listener.value(v);
        }
    }

    /** Reports the pending switch; {@code firstGoodValueAt} null when its gap is unknown. */
    private void finishPending(Instant firstGoodValueAt) {
        PendingSwitch p = pending;
        if (p == null) {
            return;
        }
        pending = null;
        Duration gap = firstGoodValueAt == null || p.lastValueBefore == null ? null
                : Duration.between(p.lastValueBefore, firstGoodValueAt);
        listener.switched(new Switch(p.from, p.to, p.reason, p.at, gap));
    }

    private record PendingSwitch(String from, String to, String reason, Instant at, Instant lastValueBefore) {
    }

    private static final class DataSubscription {
        final Server server;
        final int generation;
        ManagedSubscription subscription;

        DataSubscription(Server server, int generation) {
            this.server = server;
            this.generation = generation;
        }
    }

    // ------------------------------------------------------------ reporting

    private void setCurrent(Server s) {
        current = s;
        synchronized (currentChanged) {
            currentUrl = s == null ? null : s.url;
            currentChanged.notifyAll();
        }
        publishView();
    }

    private void problem(String server, String message) {
        lastProblem = (server == null ? "" : server + ": ") + message;
        listener.problem(server, message);
    }

    private void publishView() {
        List<ServerView> v = new ArrayList<>(servers.size());
        for (Server s : servers.values()) {
            v.add(new ServerView(s.url, s.applicationUri, s.active && !s.silent, s.effectiveLevel(), s == current));
        }
        view = List.copyOf(v);
    }

    // ------------------------------------------------------------ builder

    private static final class Settings {
        final List<String> endpoints = new ArrayList<>();
        ClientIdentity identity;
        boolean anonymous;
        final List<String> items = new ArrayList<>();
        Duration publishingInterval = Duration.ofMillis(100);
        Duration samplingInterval = Duration.ofMillis(100);
        Duration connectTimeout = Duration.ofSeconds(5);
        Duration silenceTimeout = Duration.ofMillis(1000);
        Duration keepAliveInterval = Duration.ofMillis(1000);
        FailoverListener listener = new FailoverListener() {
        };
    }

    /** Settings of a {@link FailoverClient}; {@link #start()} makes it. */
    public static final class Builder {
        private final Settings s = new Settings();

        private Builder() {
        }

        /** One or more {@code opc.tcp://HOST:PORT} URLs of servers of the set (the others are learnt from them). */
        public Builder endpoints(String... urls) {
            return endpoints(List.of(urls));
        }

        public Builder endpoints(List<String> urls) {
            for (String url : urls) {
                if (!url.startsWith("opc.tcp://")) {
                    throw new IllegalArgumentException("'" + url + "' is not an opc.tcp:// URL, e.g. opc.tcp://127.0.0.1:4840");
                }
                s.endpoints.add(url);
            }
            return this;
        }

        /** The client's application identity (required): its certificate must be in each server's trust list. */
        public Builder identity(ClientIdentity identity) {
            s.identity = identity;
            return this;
        }

        /** Anonymous user instead of the identity's X509 certificate (the server must allow anonymous sessions). */
        public Builder anonymous(boolean anonymous) {
            s.anonymous = anonymous;
            return this;
        }

        /** Tags of a Duplex server by name: node {@code ns=<index of urn:duplex:scada:tags>;s=NAME} on each server. */
        public Builder tags(String... names) {
            return tags(List.of(names));
        }

        public Builder tags(List<String> names) {
            s.items.addAll(names);
            return this;
        }

        /** Any nodes, as parseable node ids ({@code ns=2;s=X}, {@code nsu=URI;s=X}, {@code i=2258}). */
        public Builder nodes(String... nodeIds) {
            for (String n : nodeIds) {
                if (!(n.startsWith("ns=") || n.startsWith("nsu=") || n.startsWith("i=") || n.startsWith("s="))) {
                    throw new IllegalArgumentException("'" + n + "' is not a node id such as ns=2;s=Name or nsu=URI;s=Name");
                }
                s.items.add(n);
            }
            return this;
        }

        /** The data subscription's publishing interval (default 100 ms). */
        public Builder publishingInterval(Duration interval) {
            s.publishingInterval = positive(interval, "publishingInterval");
            return this;
        }

        /** The data items' sampling interval (default 100 ms). */
        public Builder samplingInterval(Duration interval) {
            s.samplingInterval = positive(interval, "samplingInterval");
            return this;
        }

        /** How long a connection attempt, a subscription or a read may take (default 5 s). */
        public Builder connectTimeout(Duration timeout) {
            s.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long a server may send nothing (its ServiceLevel subscription sends a keep-alive
         * every 300 ms) before it counts as lost (default 1 s): how soon a frozen server is left.
         */
        public Builder silenceTimeout(Duration timeout) {
            s.silenceTimeout = positive(timeout, "silenceTimeout");
            return this;
        }

        public Builder listener(FailoverListener listener) {
            s.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Makes the client and starts connecting; returns at once (see {@link FailoverClient#awaitCurrentServer}). */
        public FailoverClient start() {
            if (s.endpoints.isEmpty()) {
                throw new IllegalArgumentException("no endpoint: give at least one opc.tcp://HOST:PORT");
            }
            if (s.identity == null) {
                throw new IllegalArgumentException("no identity: ClientIdentity.loadOrCreate(directory, name)");
            }
            return new FailoverClient(s).start();
        }

        private static Duration positive(Duration d, String what) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, not " + d);
            }
            return d;
        }
    }
}
