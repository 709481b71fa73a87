package scada.redundancy.cli.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.client.MonitorClient;
import scada.redundancy.runtime.tls.LinkIdentity;
import scada.redundancy.runtime.tls.TrustStore;

/**
 * A redundancy set of real server processes on loopback — SCADA-A on 127.0.N.1, SCADA-B on
 * 127.0.N.2, ... all on one port — each with its own data directory, certificates pinned in each
 * other's configuration, and one monitoring client that every server approved.
 *
 * <p>Tests and benchmarks use block 127.0.2.x and a free port picked at random, so that they run
 * beside the demo (127.0.0.1 and 127.0.0.2, port 8000) and beside each other.
 *
 * <p>A pair of servers can be {@linkplain Builder#relayed relayed}: each one's partner row for
 * the other names a {@link PartitionProxy} on a spare address of block 127.0.N+1.x (same port:
 * port numbers must match on both servers), which connects on to the other server from the
 * address that server's row expects. {@link #cut} and {@link #mend} then pull and replug the
 * cable between them.
 */
public final class RedundancySet implements AutoCloseable {
    /** The demo's block (127.0.0.x) and port. */
    public static final int DEMO_BLOCK = 0;
    public static final int DEMO_PORT = 8000;
    /** Tests' and benchmarks' block: 127.0.2.x. */
    public static final int TEST_BLOCK = 2;

    private final Path dir;
    private final int block;
    private final int port;
    private final List<ServerProcess> servers = new ArrayList<>();
    private final List<Path> configs = new ArrayList<>();
    /** Both relays of a relayed pair, by the pair's key (lower index first). */
    private final Map<List<Integer>, List<PartitionProxy>> relays = new LinkedHashMap<>();
    private final MonitorClient monitor;

    /** A set's shape before it is made. */
    public static final class Builder {
        private final Path dir;
        private final int count;
        private int periodMs = 200;
        private int timeoutMs = 600;
        private int retryCount = 3;
        private BiFunction<Integer, RedundancyConfiguration, RedundancyConfiguration> adjust;
        private List<String> javaOptions = List.of();
        private int block = TEST_BLOCK;
        private int port = -1;
        private final Set<List<Integer>> relayed = new HashSet<>();

        private Builder(Path dir, int count) {
            if (count < 1 || count > 15) {
                throw new IllegalArgumentException("1 to 15 servers, not " + count);
            }
            this.dir = dir;
            this.count = count;
        }

        /** Period and Timeout of every partner row (default 200/600 ms). */
        public Builder timing(int periodMs, int timeoutMs) {
            this.periodMs = periodMs;
            this.timeoutMs = timeoutMs;
            return this;
        }

        /** Retry Count of every partner row (default 3). */
        public Builder retryCount(int retryCount) {
            this.retryCount = retryCount;
            return this;
        }

        /** A last change of each server's configuration (index, config), e.g. fail-back. */
        public Builder adjust(BiFunction<Integer, RedundancyConfiguration, RedundancyConfiguration> adjust) {
            this.adjust = adjust;
            return this;
        }

        /** JVM options of every server. */
        public Builder javaOptions(List<String> javaOptions) {
            this.javaOptions = List.copyOf(javaOptions);
            return this;
        }

        /** Servers at 127.0.{@code block}.1, .2, ... (default {@link #TEST_BLOCK}; the demo uses {@link #DEMO_BLOCK}). */
        public Builder block(int block) {
            if (block < 0 || block > 253) {
                throw new IllegalArgumentException("block " + block + " is not 0 to 253");
            }
            this.block = block;
            return this;
        }

        /** The port of every server (default: a free one between 20000 and 40000). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The link between servers {@code a} and {@code b} runs through relays that {@link RedundancySet#cut} can silence. */
        public Builder relayed(int a, int b) {
            relayed.add(pair(a, b, count));
            return this;
        }

        /** Every link runs through relays. */
        public Builder allRelayed() {
            for (int a = 0; a < count; a++) {
                for (int b = a + 1; b < count; b++) {
                    relayed(a, b);
                }
            }
            return this;
        }

        public RedundancySet build() throws IOException {
            return new RedundancySet(this);
        }
    }

    public static Builder builder(Path dir, int count) {
        return new Builder(dir, count);
    }

    /**
     * A set on the tests' block and a free port.
     *
     * @param dir        a fresh directory for data, configurations and logs
     * @param count      how many servers
     * @param periodMs   heartbeat Period of every partner row
     * @param timeoutMs  Timeout of every partner row
     * @param retryCount Retry Count of every partner row
     * @param adjust     a last change of each server's configuration (index, config) (e.g. fail-back), or null
     */
    public RedundancySet(Path dir, int count, int periodMs, int timeoutMs, int retryCount,
            BiFunction<Integer, RedundancyConfiguration, RedundancyConfiguration> adjust, List<String> javaOptions)
            throws IOException {
        this(builder(dir, count).timing(periodMs, timeoutMs).retryCount(retryCount).adjust(adjust).javaOptions(javaOptions));
    }

    private RedundancySet(Builder b) throws IOException {
        this.dir = b.dir;
        this.block = b.block;
        int count = b.count;
        List<String> used = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            used.add(address(i));
        }
        for (List<Integer> p : b.relayed) {
            used.add(relayAddress(p.get(0), p.get(1)));
            used.add(relayAddress(p.get(1), p.get(0)));
        }
        this.port = b.port > 0 ? b.port : freePort(used);
        Path product = ServerProcess.product();
        // Sets that do not speak OPC UA run without its server (no certificate to make, no port 4840 to share
        // between sets); those that do name their port.
        List<String> javaOptions = new ArrayList<>(b.javaOptions);
        if (javaOptions.stream().noneMatch(o -> o.startsWith("-Dduplex.opcua.port="))) {
            javaOptions.add("-Dduplex.opcua.port=0");
        }
        List<String> fingerprints = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            fingerprints.add(LinkIdentity.loadOrCreate(data(i), symbol(i)).fingerprint());
        }
        Path clientDir = dir.resolve("monitor");
        String clientFingerprint = LinkIdentity.loadOrCreate(clientDir, "monitor").fingerprint();
        for (int i = 0; i < count; i++) {
            List<Partner> partners = new ArrayList<>();
            int no = 1;
            for (int j = 0; j < count; j++) {
                if (j != i) {
                    String at = b.relayed.contains(pair(i, j, count)) ? relayAddress(i, j) : address(j);
                    partners.add(new Partner(no++, symbol(j), at, port, b.periodMs, b.timeoutMs, b.retryCount, true, "",
                            fingerprints.get(j)));
                }
            }
            RedundancyConfiguration config = new RedundancyConfiguration(new LocalServer(symbol(i), port, true, false, "",
                    "", Failback.MANUAL, LocalServer.DEFAULT_STARTUP_ALLOWANCE_MS), partners);
            if (b.adjust != null) {
                config = b.adjust.apply(i, config);
            }
            Path file = dir.resolve(symbol(i) + ".scadaredundancy");
            ConfigurationFile.write(config, file);
            configs.add(file);
            new TrustStore(data(i)).approve(clientFingerprint, "the monitoring client of the test harness");
            servers.add(new ServerProcess(product, file, address(i), port, data(i), dir.resolve(symbol(i) + ".log"),
                    javaOptions));
        }
        try {
            for (List<Integer> p : b.relayed) {
                int x = p.get(0);
                int y = p.get(1);
                relays.put(p, List.of(relay(x, y), relay(y, x)));
            }
        } catch (IOException e) {
            closeRelays();
            throw e;
        }
        Set<String> trusted = new HashSet<>(fingerprints);
        this.monitor = MonitorClient.open(clientDir, "harness", trusted, 3000);
    }

    /** The relay where server {@code from}'s row says server {@code to} is; it connects from where {@code to}'s row says {@code from} is. */
    private PartitionProxy relay(int from, int to) throws IOException {
        return new PartitionProxy(new InetSocketAddress(relayAddress(from, to), port),
                new InetSocketAddress(address(to), port), InetAddress.getByName(relayAddress(to, from)));
    }

    private static List<Integer> pair(int a, int b, int count) {
        if (a == b || a < 0 || b < 0 || a >= count || b >= count) {
            throw new IllegalArgumentException("no pair of servers: " + a + ", " + b + " of " + count);
        }
        return List.of(Math.min(a, b), Math.max(a, b));
    }

    /**
     * A port between 20000 and 40000 that nobody listens on at any of {@code addresses} right now.
     * Random, so that sets running at the same time (other test runs on this machine) rarely
     * try the same one; checked, so that a taken one is skipped.
     */
    public static int freePort(List<String> addresses) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(20000, 40000);
            if (isFree(candidate, addresses)) {
                return candidate;
            }
        }
        throw new IOException("no free port between 20000 and 40000 on " + addresses + " after 100 tries");
    }

    private static boolean isFree(int port, List<String> addresses) {
        for (String a : addresses) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(InetAddress.getByName(a), port), 1);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }

    public static String symbol(int i) {
        return "SCADA-" + (char) ('A' + i);
    }

    /** Where server {@code i} listens and connects from. */
    public String address(int i) {
        return "127.0." + block + "." + (i + 1);
    }

    /** The spare address where server {@code from}'s row says a relayed partner {@code to} is. */
    private String relayAddress(int from, int to) {
        return "127.0." + (block + 1) + "." + (16 * from + to + 1);
    }

    /** The port of every server of the set. */
    public int port() {
        return port;
    }

    /**
     * Pulls the cable between relayed servers {@code a} and {@code b}: silence both ways, every
     * socket stays open.
     */
    public void cut(int a, int b) {
        for (PartitionProxy r : relaysOf(a, b)) {
            r.cut();
        }
    }

    /** Plugs the cable between {@code a} and {@code b} back in. */
    public void mend(int a, int b) {
        for (PartitionProxy r : relaysOf(a, b)) {
            r.mend();
        }
    }

    private List<PartitionProxy> relaysOf(int a, int b) {
        List<PartitionProxy> r = relays.get(pair(a, b, servers.size()));
        if (r == null) {
            throw new IllegalStateException(symbol(a) + " and " + symbol(b) + " are not relayed: build the set with relayed("
                    + a + ", " + b + ")");
        }
        return r;
    }

    private void closeRelays() {
        for (List<PartitionProxy> pair : relays.values()) {
            for (PartitionProxy r : pair) {
                try {
                    r.close();
                } catch (IOException e) {
                    // closing a listener: nothing to do about it
                }
            }
        }
    }

    private Path data(int i) {
        return dir.resolve("data-" + symbol(i));
    }

    public ServerProcess server(int i) {
        return servers.get(i);
    }

    public List<ServerProcess> servers() {
        return servers;
    }

    public Path config(int i) {
        return configs.get(i);
    }

    /** Rewrites server i's configuration file (a running server applies it without a restart). */
    public void reconfigure(int i, UnaryOperator<RedundancyConfiguration> change) throws Exception {
        ConfigurationFile.write(change.apply(ConfigurationFile.read(configs.get(i))), configs.get(i));
    }

    public MonitorClient monitor() {
        return monitor;
    }

    public RedundancyStatus status(int i) throws Exception {
        return monitor.status(servers.get(i).endpoint()).get(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    public RedundancySet startAll() throws IOException {
        for (ServerProcess s : servers) {
            s.start();
        }
        return this;
    }

    /**
     * Waits until every running server has finished starting, is connected to every other running
     * server and sees a primary (itself or a partner); then checks there is exactly one.
     *
     * @return the index of the primary
     */
    public int awaitStable(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ServerProcess s : servers) {
            if (s.isAlive()) {
                s.await(monitor, st -> !st.starting()
                        && st.partners().stream().filter(p -> p.activate() && isRunning(p.symbol()))
                                .allMatch(p -> p.connected())
                        && (st.role() == Role.PRIMARY || st.partners().stream().anyMatch(p -> p.isPrimary())),
                        Duration.ofNanos(Math.max(1, deadline - System.nanoTime())),
                        "connected to all running partners with a primary in sight");
            }
        }
        int primary = -1;
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).isAlive() && status(i).role() == Role.PRIMARY) {
                if (primary >= 0) {
                    throw new IllegalStateException("two primaries: " + symbol(primary) + " and " + symbol(i));
                }
                primary = i;
            }
        }
        if (primary < 0) {
            throw new IllegalStateException("every running server sees a primary, yet none is primary now");
        }
        return primary;
    }

    private boolean isRunning(String symbol) {
        for (int i = 0; i < servers.size(); i++) {
            if (symbol(i).equals(symbol)) {
                return servers.get(i).isAlive();
            }
        }
        return false;
    }

    /**
     * The log of every server that shows an uncaught exception (a thread died, a null slipped
     * through), with the log's text: empty when every server handled everything it met.
     */
    public List<String> logsWithUncaughtExceptions() throws IOException {
        List<String> found = new ArrayList<>();
        for (ServerProcess s : servers) {
            if (Files.exists(s.log())) {
                String log = Files.readString(s.log());
                if (log.contains("Exception in thread") || log.contains("NullPointerException")) {
                    found.add(s.log() + ":\n" + log);
                }
            }
        }
        return found;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws Exception {
        for (ServerProcess s : servers) {
            s.close();
        }
        closeRelays();
        monitor.close();
    }

    /** A fresh temporary directory for a set. */
    public static Path tempDir(String prefix) throws IOException {
        return Files.createTempDirectory(prefix);
    }
}
