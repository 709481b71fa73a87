package scada.redundancy.cli.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.client.MonitorClient;

/**
 * A real redundancy server in its own process, started from the built server product exactly as
 * {@code ./scada-redundancy server} starts it, for the demo, the benchmark and the integration
 * tests: start, kill -9, SIGSTOP/SIGCONT, SIGTERM, and wait for a status by events (the monitoring
 * subscription), never by sleeping.
 */
public final class ServerProcess implements AutoCloseable {
    private final Path product;
    private final Path config;
    private final String bind;
    private final int port;
    private final Path data;
    private final Path log;
    private final List<String> javaOptions;
    private Process process;

    public ServerProcess(Path product, Path config, String bind, int port, Path data, Path log, List<String> javaOptions) {
        this.product = product;
        this.config = config;
        this.bind = bind;
        this.port = port;
        this.data = data;
        this.log = log;
        this.javaOptions = List.copyOf(javaOptions);
    }

    /** The server product: {@code -Dduplex.product}, else the build output beside the working directory. */
    public static Path product() {
        String p = System.getProperty("duplex.product", System.getenv("DUPLEX_PRODUCT"));
        if (p != null) {
            return Path.of(p);
        }
        Path dir = Path.of("").toAbsolutePath();
        for (; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("releng/scada.redundancy.server/target/products/scada.redundancy.server/linux/gtk/x86_64");
            if (Files.isDirectory(candidate.resolve("plugins"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no server product found: build it with ./mvnw package, or set duplex.product");
    }

    /** Starts the process (appending to its log); returns once it runs, not once it serves. */
    public ServerProcess start() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException(bind + " is already running");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dduplex.product=" + product);
        cmd.add("-cp");
        cmd.add(product.resolve("plugins") + "/*");
        cmd.add("scada.redundancy.cli.DuplexCommand");
        cmd.add("server");
        cmd.add("--launch-command");
        cmd.add("--config=" + config);
        cmd.add("--bind=" + bind);
        cmd.add("--data=" + data);
        for (String o : javaOptions) {
            cmd.add("--java-option=" + o);
        }
        // The CLI validates and prints the launch line, exactly as for ./scada-redundancy server.
        Process cli = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        byte[] out = cli.getInputStream().readAllBytes();
        String err = new String(cli.getErrorStream().readAllBytes());
        try {
            if (!cli.waitFor(60, TimeUnit.SECONDS) || cli.exitValue() != 0) {
                throw new IOException("server " + bind + " refused to start: " + err);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        List<String> launch = new ArrayList<>(List.of(new String(out).split("\0")));
        Files.createDirectories(log.getParent());
        process = new ProcessBuilder(launch).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return this;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String bind() {
        return bind;
    }

    public InetSocketAddress endpoint() {
        return new InetSocketAddress(bind, port);
    }

    public Path data() {
        return data;
    }

    public Path log() {
        return log;
    }

    /** How many bytes the log holds now: a mark for {@link #countInLog}. */
    public long logLength() {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * How many lines between two {@linkplain #logLength() marks} of the log contain {@code text}
     * (e.g. every {@code role-change} the server logged during a fault, however fast they came).
     */
    public int countInLog(String text, long from, long to) throws IOException {
        if (to <= from) {
            return 0;
        }
        byte[] part;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(log)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(to - from, 256L << 20));
            while (buffer.hasRemaining() && ch.read(buffer, from + buffer.position()) > 0) {
                // read on to the mark
            }
            part = java.util.Arrays.copyOf(buffer.array(), buffer.position());
        }
        int count = 0;
        for (String line : new String(part, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            if (line.contains(text)) {
                count++;
            }
        }
        return count;
    }

    /**
     * The server's OPC UA certificate ({@code DATA/opcua/server.der}, made at its first start), for
     * a client to trust; waits for it at most {@code timeout} (the OPC UA server may start a little
     * after the redundancy link).
     */
    public Path opcuaCertificate(Duration timeout) throws IOException, InterruptedException {
        Path file = data.resolve("opcua/server.der");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!java.nio.file.Files.isRegularFile(file)) {
            if (System.nanoTime() - deadline > 0 || !isAlive()) {
                throw new IOException(bind + " made no OPC UA certificate " + file + " within " + timeout.toMillis()
                        + " ms (see " + log + ")");
            }
            Thread.sleep(50); // a file another process writes: no event to wait on; bounded by the deadline
        }
        return file;
    }

    /** kill -9: the process dies, its host (this machine) stays up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM: a graceful stop; waits for the process to end. */
    public boolean terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGSTOP: the process freezes, its sockets stay open: silence. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /**
     * Waits until the server's status satisfies {@code condition}, following its status events;
     * reconnects while the server is still starting.
     */
    public RedundancyStatus await(MonitorClient monitor, Predicate<RedundancyStatus> condition, Duration timeout,
            String what) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RedundancyStatus[] last = new RedundancyStatus[1];
        String[] lastEnd = new String[1];
        while (System.nanoTime() < deadline) {
            CompletableFuture<RedundancyStatus> met = new CompletableFuture<>();
            CompletableFuture<String> ended = new CompletableFuture<>();
            try (AutoCloseable sub = monitor.follow(endpoint(), s -> {
                last[0] = s;
                if (condition.test(s)) {
                    met.complete(s);
                }
            }, ended::complete)) {
                CompletableFuture<Object> either = CompletableFuture.anyOf(met, ended);
                long left = deadline - System.nanoTime();
                try {
                    either.get(Math.max(1, left), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                    // fall through to the checks below
                }
                if (met.isDone()) {
                    return met.getNow(null);
                }
                lastEnd[0] = ended.getNow(null);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                lastEnd[0] = e.toString();
            }
            if (!isAlive()) {
                throw new IllegalStateException(bind + " exited while waiting for: " + what + lastError() + " (see " + log + ")");
            }
            // Not reachable yet (still starting): try again when its port may be open; bounded by the deadline.
            CompletableFuture<Void> pause = new CompletableFuture<>();
            pause.completeOnTimeout(null, 50, TimeUnit.MILLISECONDS).join();
        }
        throw new TimeoutException(bind + ": not " + what + " within " + timeout.toMillis() + " ms; last status: "
                + (last[0] == null ? "none" : last[0].role().jsonName() + " term " + last[0].term()) + "; last end: "
                + lastEnd[0] + " (see " + log + ")");
    }

    /** The server's last ERROR line (why it exited), as ": reason", or empty. */
    private String lastError() {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                int at = lines.get(i).indexOf(" ERROR ");
                if (at >= 0) {
                    return ": " + lines.get(i).substring(at + " ERROR ".length());
                }
            }
        } catch (IOException e) {
            // no log: the path is in the message anyway
        }
        return "";
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            try {
                thaw();
            } catch (IOException e) {
                // it may be gone already
            }
            if (!terminate(Duration.ofSeconds(5))) {
                kill();
            }
        }
    }
}
