package scada.redundancy.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.client.MonitorClient;

/**
 * {@code history gaps ADDR:PORT}: the gaps in a running server's history that can no longer be
 * filled (time range, source, why), and where DB sync stands with each partner (the backlog still
 * to send). Read from the server's status (its DB sync contribution), so it works wherever
 * {@code status} does.
 */
@Command(name = "history", description = "What a running server's DB sync knows of its history.",
        subcommands = HistoryCommand.Gaps.class)
final class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CheckCommand.USAGE;
    }

    @Command(name = "gaps", description = "List the gaps in the history that can no longer be filled, and the "
            + "DB sync state with each partner.")
    static final class Gaps implements Callable<Integer> {
        /** The source of DB sync's status contribution. */
        static final String DB_SYNC = "db-sync";

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ADDR:PORT", description = "The server's redundancy endpoint, e.g. 127.0.0.1:8000.")
        String endpoint;

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            InetSocketAddress address;
            try {
                address = ClientOptions.endpoint(endpoint);
            } catch (RuntimeException e) {
                err.println(endpoint + ": not ADDR:PORT");
                return CheckCommand.USAGE;
            }
            RedundancyStatus s;
            try (MonitorClient monitor = client.open()) {
                try {
                    s = monitor.status(address).get(client.timeoutMs + 1000L, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    err.println(endpoint + ": " + e.getCause().getMessage() + " (see 'status " + endpoint
                            + "' for what the connection needs)");
                    return 1;
                }
            }
            if (!s.contributors().contains(DB_SYNC)) {
                err.println(s.symbol() + " has no DB sync installed: it keeps no replicated history");
                return 1;
            }
            out.println(s.symbol() + "  database: " + s.database());
            for (PartnerStatus p : s.partners()) {
                out.println("  " + p.symbol() + ": " + p.database());
            }
            List<String> gaps = s.details().getOrDefault(DB_SYNC, List.of()).stream().filter(l -> l.startsWith("gap: "))
                    .toList();
            if (gaps.isEmpty()) {
                out.println("no gaps: every row this server knows of is held here");
            } else {
                out.println(gaps.size() + (gaps.size() == 1 ? " gap" : " gaps")
                        + " that can no longer be filled (newest first):");
                for (String g : gaps) {
                    out.println("  " + g.substring("gap: ".length()));
                }
            }
            out.flush();
            return 0;
        }
    }
}
