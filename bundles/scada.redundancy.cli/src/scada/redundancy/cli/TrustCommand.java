package scada.redundancy.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.runtime.tls.TrustStore;

/**
 * {@code trust --data DIR --as partner|monitor|operator [--symbol SYMBOL] FINGERPRINT}: approves a
 * certificate on a server (or a server's on a client) for one role, as Ignition's gateway network
 * approves certificates: a partner's with its Symbol (accepted as that partner's link only), a
 * monitoring client's (status) or an operator's (status, try-connect, verify, hand-over). A running
 * server picks the approval up at its next handshake.
 */
@Command(name = "trust", description = "Approve a link certificate fingerprint in a server's (or client's) data directory, "
        + "as a partner (with its Symbol), a monitor (status) or an operator (status and actions).")
final class TrustCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "The data directory that trusts it.")
    Path data;

    @Option(names = "--as", paramLabel = "ROLE", required = true,
            description = "partner (a server of the set; give --symbol), monitor (reads the status) or operator "
                    + "(reads the status; try-connect, verify, hand-over). On a client, approve a server as partner.")
    String as;

    @Option(names = "--symbol", paramLabel = "SYMBOL", description = "The partner's Symbol (with --as partner only).")
    String symbol;

    @Option(names = "--comment", paramLabel = "TEXT", description = "Who it is, for the next reader of the file.")
    String comment;

    @Parameters(paramLabel = "FINGERPRINT", description = "SHA-256 fingerprint, 64 hex digits (colons allowed).")
    String fingerprint;

    @Override
    public Integer call() throws Exception {
        TrustStore.As role = TrustStore.As.of(as.strip().toLowerCase(java.util.Locale.ROOT));
        if (role == null) {
            spec.commandLine().getErr().println("--as " + as + ": say partner, monitor or operator");
            return CheckCommand.USAGE;
        }
        String done;
        try {
            done = new TrustStore(data.toAbsolutePath()).approve(fingerprint, role, symbol, comment);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return CheckCommand.USAGE;
        }
        spec.commandLine().getOut().println(done + " in " + data.resolve(TrustStore.FILE));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
