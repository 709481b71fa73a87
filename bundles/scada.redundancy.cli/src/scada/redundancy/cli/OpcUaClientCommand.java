package scada.redundancy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.opcua.client.ClientIdentity;
import scada.redundancy.opcua.client.FailoverClient;
import scada.redundancy.opcua.client.FailoverListener;
import scada.redundancy.opcua.client.Switch;
import scada.redundancy.opcua.client.TagValue;

/**
 * {@code scada-redundancy opcua-client URL... --tags A,B --identity DIR}: an OPC UA client that
 * follows the primary of a redundant set (standard non-transparent redundancy), printing one line
 * per move and per value change, and a summary (moves, largest gap) when it stops.
 */
@Command(name = "opcua-client", mixinStandardHelpOptions = true,
        description = "Subscribe to tags of a redundant set of OPC UA servers and follow the best ServiceLevel (the primary),"
                + " printing each value change and each move with its gap.")
public final class OpcUaClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "URL", arity = "1..*", description = "opc.tcp://ADDR:PORT of one or more servers of the set (the others are learnt from them).")
    List<String> endpoints;

    @Option(names = "--tags", paramLabel = "A,B", split = ",", description = "Tag names of the project (namespace urn:duplex:scada:tags).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--nodes", paramLabel = "ID,ID", split = ",", description = "Other nodes by id, e.g. ns=2;s=X or nsu=URI;s=X.")
    List<String> nodes = new ArrayList<>();

    @Option(names = "--trust-server", paramLabel = "FILE", split = ",", description = "A server certificate to trust (a server's "
            + "DATA/opcua/server.der), kept in the identity's trusted-servers directory; once per server is enough.")
    List<Path> trustServers = List.of();

    @Option(names = "--identity", paramLabel = "DIR", required = true,
            description = "The client's certificate directory (made on first use; the servers must trust DIR/client.der).")
    Path identity;

    @Option(names = "--anonymous", description = "An anonymous session instead of the certificate as user (the servers must allow it).")
    boolean anonymous;

    @Option(names = "--duration", paramLabel = "S", description = "Stop after S seconds (default: run until Ctrl-C).")
    Integer duration;

    @Option(names = "--interval", paramLabel = "MS", defaultValue = "100", description = "Publishing and sampling interval (default ${DEFAULT-VALUE} ms).")
    long interval;

    @Option(names = "--quiet", description = "Print only moves and problems, not every value.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ClientIdentity id = ClientIdentity.loadOrCreate(identity.toAbsolutePath(), "duplex-opcua-client");
        for (Path server : trustServers) {
            id.trustServer(server);
        }
        out.println("opcua-client: identity " + id.applicationUri() + ", certificate " + id.certificateFile() + " (SHA-256 "
                + id.fingerprint() + ")");
        Summary summary = new Summary(out, quiet);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(stopped::countDown);
        Runtime.getRuntime().addShutdownHook(hook);
        FailoverClient.Builder builder = FailoverClient.builder().endpoints(endpoints).identity(id).anonymous(anonymous)
                .tags(tags).publishingInterval(Duration.ofMillis(interval)).samplingInterval(Duration.ofMillis(interval))
                .listener(summary);
        if (!nodes.isEmpty()) {
            builder.nodes(nodes.toArray(String[]::new));
        }
        try (FailoverClient client = builder.start()) {
            if (duration != null) {
                stopped.await(duration, TimeUnit.SECONDS);
            } else {
                stopped.await();
            }
            out.println("opcua-client: stopping on " + client.currentServer().orElse("no server"));
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running
            }
        }
        summary.print();
        out.flush();
        return summary.switches == 0 && summary.values == 0 && !tags.isEmpty() ? 1 : 0;
    }

    /** Prints the client's events as lines and counts them; called on the client's thread only. */
    private static final class Summary implements FailoverListener {
        private final PrintWriter out;
        private final boolean quiet;
        private final java.util.Map<String, Object> lastValues = new java.util.HashMap<>();
        private int switches;
        private long values;
        private Duration maxGap;

        Summary(PrintWriter out, boolean quiet) {
            this.out = out;
            this.quiet = quiet;
        }

        @Override
        public void firstServer(String endpointUrl) {
            line("on " + endpointUrl);
        }

        @Override
        public void switched(Switch s) {
            switches++;
            if (s.gap() != null && (maxGap == null || s.gap().compareTo(maxGap) > 0)) {
                maxGap = s.gap();
            }
            line("SWITCH " + s.from() + " -> " + s.to() + " (" + s.reason() + "), gap "
                    + (s.gap() == null ? "unknown" : s.gap().toMillis() + " ms"));
        }

        @Override
        public void value(TagValue v) {
            values++;
            Object key = v.value() + "|" + v.statusCode();
            if (!key.equals(lastValues.put(v.tag(), key)) && !quiet) {
                line(v.tag() + " = " + v.value() + " " + v.statusName() + (v.sourceTime() == null ? "" : " @" + v.sourceTime())
                        + " from " + v.server());
            }
        }

        @Override
        public void serviceLevel(String endpointUrl, int level) {
            line("ServiceLevel " + endpointUrl + " " + (level < 0 ? "unknown (not answering)" : level));
        }

        @Override
        public void problem(String endpointUrl, String message) {
            line("PROBLEM " + (endpointUrl == null ? "" : endpointUrl + ": ") + message);
        }

        private void line(String text) {
            out.println(Instant.now() + " " + text);
            out.flush();
        }

        void print() {
            out.println("opcua-client: switches=" + switches + " max_gap_ms=" + (maxGap == null ? "none" : maxGap.toMillis())
                    + " values=" + values);
        }
    }
}
