package scada.redundancy.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.cli.harness.PlcSimulator;

/**
 * {@code scada-redundancy plc-sim}: a simulated Modbus TCP PLC serving a project's tags until
 * stopped (Ctrl-C), printing who polls it once a second.
 */
@Command(name = "plc-sim", mixinStandardHelpOptions = true,
        description = "Run a simulated Modbus TCP PLC that serves a project's tags with changing values and counts requests per client address.")
public final class PlcSimCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "The address to listen on (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "5020", description = "The Modbus TCP port (default ${DEFAULT-VALUE}; 502 needs root).")
    int port;

    @Option(names = "--project", paramLabel = "DIR", required = true, description = "The project whose tag addresses to serve.")
    Path project;

    @Option(names = "--stats-file", paramLabel = "FILE", description = "Rewrite FILE once a second with the request counts per client address (JSON).")
    Path statsFile;

    @Option(names = "--quiet", description = "No status line every second.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        ObjectMapper json = new ObjectMapper();
        CountDownLatch stopped = new CountDownLatch(1);
        try (PlcSimulator sim = PlcSimulator.forProject(project, bind, port)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            spec.commandLine().getOut().println("plc-sim: serving " + project + " on " + bind + ":" + sim.port());
            spec.commandLine().getOut().flush();
            while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                Map<String, PlcSimulator.ClientStats> stats = sim.stats();
                if (!quiet) {
                    spec.commandLine().getOut().println("plc-sim: requests " + (stats.isEmpty() ? "none yet"
                            : stats.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().requests() + " ("
                                    + e.getValue().openConnections() + " open)").collect(Collectors.joining(", "))));
                    spec.commandLine().getOut().flush();
                }
                if (statsFile != null) {
                    Path tmp = statsFile.resolveSibling(statsFile.getFileName() + ".tmp");
                    json.writeValue(tmp.toFile(), stats);
                    Files.move(tmp, statsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        return 0;
    }
}
