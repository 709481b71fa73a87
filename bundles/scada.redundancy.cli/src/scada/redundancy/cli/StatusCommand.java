package scada.redundancy.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.client.MonitorClient;
import scada.redundancy.runtime.client.StatusJson;

/** {@code status ADDR:PORT}: the status table of a running server, or one JSON object with {@code --json}. */
@Command(name = "status", description = "Show the status of a running redundancy server.")
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ADDR:PORT", description = "The server's redundancy endpoint, e.g. 127.0.0.1:8000.")
    String endpoint;

    @Option(names = "--json", description = "Print one JSON object (see the README) instead of the table.")
    boolean json;

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
        try (MonitorClient monitor = client.open()) {
            String text;
            try {
                text = monitor.statusJson(address).get(client.timeoutMs + 1000L, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                err.println(endpoint + ": " + e.getCause().getMessage());
                if (!monitor.refusedFingerprints().isEmpty()) {
                    err.println("the server's certificate is not trusted here: SHA-256 "
                            + String.join(", ", monitor.refusedFingerprints())
                            + "; pass --trust FINGERPRINT or --data SERVER_DATA_DIR");
                }
                err.println("this client's fingerprint is " + monitor.fingerprint()
                        + " (the server approves it with: scada-redundancy trust --data SERVER_DATA_DIR " + monitor.fingerprint() + ")");
                return 1;
            }
            if (json) {
                out.println(text);
            } else {
                print(StatusJson.fromJson(text), out);
            }
            out.flush();
            return 0;
        }
    }

    static void print(RedundancyStatus s, PrintWriter out) {
        out.printf("%s  %s  term %d  %s  connected %s  clients %d  health %d  %s%s%n", s.symbol(),
                s.role().jsonName().toUpperCase(java.util.Locale.ROOT), s.term(), s.address(), s.connectedServer(),
                s.connectedClients(), s.health(), s.verified().jsonName(), s.starting() ? "  (starting)" : "");
        if (!PartnerStatus.NOT_INSTALLED.equals(s.database())) { // DB sync (or another contribution) is installed
            out.println("database: " + s.database());
        }
        if (!s.clients().isEmpty()) {
            out.println("clients: " + String.join(", ", s.clients()));
        }
        if (!s.note().isEmpty()) {
            out.println("note: " + s.note());
        }
        out.printf("%-3s %-14s %-22s %-9s %-7s %-5s %-10s %-5s %-12s %-8s %s%n", "No", "Symbol", "Address", "Connected",
                "Primary", "Fault", "Role", "Term", "Heartbeat", "RTT ms", "Verified");
        for (PartnerStatus p : s.partners()) {
            out.printf("%-3d %-14s %-22s %-9s %-7s %-5s %-10s %-5s %-12s %-8s %s%s%n", p.no(), p.symbol(), p.address(),
                    yes(p.connected()), yes(p.isPrimary()), yes(p.fault()), p.activate() ? p.role().jsonName() : "(off)",
                    p.term() < 0 ? "-" : String.valueOf(p.term()),
                    p.lastHeartbeatAgeMs() < 0 ? "never" : p.lastHeartbeatAgeMs() + " ms ago",
                    p.rttMs() < 0 ? "-" : String.format(java.util.Locale.ROOT, "%.2f", p.rttMs()), p.verified().jsonName(),
                    (p.fault() ? "  fault: " + p.faultReason() : "")
                            + (p.nextRetryInMs() >= 0 ? "  (next retry in " + (p.nextRetryInMs() + 999) / 1000 + " s)" : "")
                            + (PartnerStatus.NOT_INSTALLED.equals(p.database()) ? "" : "  database: " + p.database()));
        }
        if (!s.roleChanges().isEmpty()) {
            out.println("Role changes (oldest first):");
            for (RoleChange c : s.roleChanges()) {
                String change = c.from() == c.to() ? "stays " + c.to().jsonName() // e.g. joined as backup of a running primary
                        : c.from().jsonName() + " -> " + c.to().jsonName();
                out.printf("  %s  %s  term %d  %s%s%s%n", Instant.ofEpochMilli(c.atMillis()), change, c.term(),
                        c.cause().jsonName(), c.peer().isEmpty() ? "" : " (" + c.peer() + ")",
                        c.failoverMs() >= 0 ? "  failover " + c.failoverMs() + " ms" : "");
            }
        }
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
