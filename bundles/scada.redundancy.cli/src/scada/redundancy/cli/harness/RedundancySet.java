package scada.redundancy.cli.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * A redundancy set of real server processes on loopback (SCADA-A on 127.0.0.1, SCADA-B on
 * 127.0.0.2, ... all on one port), each with its own data directory, certificates pinned in each
 * other's configuration, and one monitoring client that every server approved.
 */
public final class RedundancySet implements AutoCloseable {
    public static final int PORT = 8000;

    private final Path dir;
    private final List<ServerProcess> servers = new ArrayList<>();
    private final List<Path> configs = new ArrayList<>();
    private final MonitorClient monitor;

    /**
     * @param dir      a fresh directory for data, configurations and logs
     * @param count    how many servers
     * @param periodMs heartbeat Period of every partner row
     * @param timeoutMs Timeout of every partner row
     * @param retryCount Retry Count of every partner row
     * @param adjust   a last change of each server's configuration (index, config) (e.g. fail-back), or null
     */
    public RedundancySet(Path dir, int count, int periodMs, int timeoutMs, int retryCount,
            java.util.function.BiFunction<Integer, RedundancyConfiguration, RedundancyConfiguration> adjust,
            List<String> javaOptions) throws IOException {
        this.dir = dir;
        Path product = ServerProcess.product();
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
                    partners.add(new Partner(no++, symbol(j), address(j), PORT, periodMs, timeoutMs, retryCount, true, "",
                            fingerprints.get(j)));
                }
            }
            RedundancyConfiguration config = new RedundancyConfiguration(new LocalServer(symbol(i), PORT, true, false, "",
                    "", Failback.MANUAL, LocalServer.DEFAULT_STARTUP_ALLOWANCE_MS), partners);
            if (adjust != null) {
                config = adjust.apply(i, config);
            }
            Path file = dir.resolve(symbol(i) + ".scadaredundancy");
            ConfigurationFile.write(config, file);
            configs.add(file);
            new TrustStore(data(i)).approve(clientFingerprint, "the monitoring client of the test harness");
            servers.add(new ServerProcess(product, file, address(i), PORT, data(i), dir.resolve(symbol(i) + ".log"),
                    javaOptions));
        }
        Set<String> trusted = new HashSet<>(fingerprints);
        this.monitor = MonitorClient.open(clientDir, "harness", trusted, 3000);
    }

    public static String symbol(int i) {
        return "SCADA-" + (char) ('A' + i);
    }

    public static String address(int i) {
        return "127.0.0." + (i + 1);
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

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws Exception {
        for (ServerProcess s : servers) {
            s.close();
        }
        monitor.close();
    }

    /** A fresh temporary directory for a set. */
    public static Path tempDir(String prefix) throws IOException {
        return Files.createTempDirectory(prefix);
    }
}
