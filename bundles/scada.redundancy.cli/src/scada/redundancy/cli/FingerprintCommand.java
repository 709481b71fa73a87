package scada.redundancy.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.runtime.tls.LinkIdentity;

/** {@code fingerprint --data DIR}: the link certificate fingerprint kept in a directory (made if missing). */
@Command(name = "fingerprint", description = "Print the link certificate fingerprint of a server or client identity directory.")
final class FingerprintCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "The identity's directory.")
    Path data;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "duplex", description = "The name in a new certificate.")
    String name;

    @Override
    public Integer call() throws Exception {
        spec.commandLine().getOut().println(LinkIdentity.loadOrCreate(data.toAbsolutePath(), name).fingerprint());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
