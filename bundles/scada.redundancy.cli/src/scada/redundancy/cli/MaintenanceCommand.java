package scada.redundancy.cli;

import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.opcua.client.ClientIdentity;
import scada.redundancy.opcua.client.ServerMaintenance;

/**
 * {@code scada-redundancy maintenance URL on|off --identity DIR}: puts an OPC UA server into
 * maintenance (ServiceLevel 0, clients leave it; a primary hands over first) or takes it out,
 * through the standard RequestServerStateChange, as an administrator of that server.
 */
@Command(name = "maintenance", mixinStandardHelpOptions = true,
        description = "Put an OPC UA server into maintenance (on) or back into service (off) with the standard"
                + " RequestServerStateChange; the identity must be listed in the server's DATA/opcua/administrators.txt.")
public final class MaintenanceCommand implements Callable<Integer> {
    enum State {
        on, off
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "opc.tcp://ADDR:PORT of the server.")
    String endpoint;

    @Parameters(index = "1", paramLabel = "on|off", description = "on: into maintenance (Suspended); off: serving again (Running).")
    State state;

    @Option(names = "--return-in", paramLabel = "MINUTES", description = "When the server is expected back (its EstimatedReturnTime).")
    Long returnIn;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "Why, shown by the server.")
    String reason;

    @Option(names = "--trust-server", paramLabel = "FILE", split = ",", description = "A server certificate to trust (a server's "
            + "DATA/opcua/server.der), kept in the identity's trusted-servers directory; once per server is enough.")
    List<Path> trustServers = List.of();

    @Option(names = "--identity", paramLabel = "DIR", required = true,
            description = "The administrator's certificate directory (as for opcua-client).")
    Path identity;

    @Override
    public Integer call() throws Exception {
        if (!endpoint.startsWith("opc.tcp://")) {
            throw new IllegalArgumentException("'" + endpoint + "' is not an opc.tcp:// URL, e.g. opc.tcp://127.0.0.1:4840");
        }
        ClientIdentity id = ClientIdentity.loadOrCreate(identity.toAbsolutePath(), "duplex-opcua-client");
        for (Path server : trustServers) {
            id.trustServer(server);
        }
        ServerMaintenance.request(endpoint, id, state == State.on, returnIn == null ? null : Duration.ofMinutes(returnIn),
                reason, Duration.ofSeconds(5));
        spec.commandLine().getOut().println(endpoint + (state == State.on
                ? " is in maintenance (ServiceLevel 0): clients leave it" + (returnIn == null ? "" : "; back in " + returnIn + " min")
                : " serves again"));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
