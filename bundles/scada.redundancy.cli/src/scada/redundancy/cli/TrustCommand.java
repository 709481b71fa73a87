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
 * {@code trust --data DIR FINGERPRINT}: approves a partner's or a monitoring client's certificate
 * on a server (or a server's on a client), as Ignition's gateway network approves certificates.
 * A running server picks the approval up at its next handshake.
 */
@Command(name = "trust", description = "Approve a link certificate fingerprint in a server's (or client's) data directory.")
final class TrustCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "The data directory that trusts it.")
    Path data;

    @Option(names = "--comment", paramLabel = "TEXT", description = "Who it is, for the next reader of the file.")
    String comment;

    @Parameters(paramLabel = "FINGERPRINT", description = "SHA-256 fingerprint, 64 hex digits (colons allowed).")
    String fingerprint;

    @Override
    public Integer call() throws Exception {
        try {
            new TrustStore(data.toAbsolutePath()).approve(fingerprint, comment);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return CheckCommand.USAGE;
        }
        spec.commandLine().getOut().println("approved " + TrustStore.normalize(fingerprint) + " in "
                + data.resolve(TrustStore.FILE));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
