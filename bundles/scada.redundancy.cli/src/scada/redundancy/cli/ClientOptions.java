package scada.redundancy.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import scada.redundancy.runtime.client.MonitorClient;
import scada.redundancy.runtime.tls.LinkIdentity;
import scada.redundancy.runtime.tls.TrustStore;

/** The options of commands that talk to a running server as a monitoring client. */
final class ClientOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--data", paramLabel = "DIR",
            description = "A server's data directory: talk with that server's own identity (it always trusts itself).")
    Path data;

    @Option(names = "--identity", paramLabel = "DIR",
            description = "This client's identity directory (default: ~/.duplex/client); the server must approve its fingerprint.")
    Path identity;

    @Option(names = "--trust", paramLabel = "FINGERPRINT", description = "Trust a server with this certificate fingerprint.")
    List<String> trust = List.of();

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "3000", description = "How long to wait for an answer (default: ${DEFAULT-VALUE} ms).")
    int timeoutMs;

    MonitorClient open() throws IOException {
        return open(Set.of());
    }

    /** A client that also trusts {@code alsoTrusted} (e.g. the certificates a configuration pins). */
    MonitorClient open(Set<String> alsoTrusted) throws IOException {
        Path dir = data != null ? data : identity != null ? identity : Path.of(System.getProperty("user.home"), ".duplex", "client");
        Set<String> extra = new HashSet<>();
        trust.forEach(f -> extra.add(TrustStore.normalize(f)));
        extra.addAll(alsoTrusted);
        boolean created = identity != null && data == null
                && !Files.exists(identity.resolve(LinkIdentity.KEYSTORE_FILE));
        MonitorClient client = MonitorClient.open(dir, "scada-redundancy", extra, timeoutMs);
        if (created && command != null) {
            // A mistyped --identity would otherwise just look like a client the servers do not know.
            command.commandLine().getErr().println("note: there was no client identity in " + identity
                    + "; a new one was created there, fingerprint " + client.fingerprint() + ". Servers answer it once "
                    + "approved: scada-redundancy trust --data DIR --as monitor|operator " + client.fingerprint()
                    + " (if you meant an existing identity, check the --identity path)");
        }
        return client;
    }

    /** ADDR:PORT, [IPv6]:PORT or ADDR (port 8000). */
    static InetSocketAddress endpoint(String text) {
        return endpoint(text, 8000);
    }

    /** ADDR:PORT, [IPv6]:PORT, or ADDR / IPv6 without brackets (then {@code defaultPort}). */
    static InetSocketAddress endpoint(String text, int defaultPort) {
        String host = text;
        int port = defaultPort;
        if (text.startsWith("[")) {
            int end = text.indexOf(']');
            host = text.substring(1, end);
            if (end + 1 < text.length() && text.charAt(end + 1) == ':') {
                port = Integer.parseInt(text.substring(end + 2));
            }
        } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') > 0) {
            host = text.substring(0, text.indexOf(':'));
            port = Integer.parseInt(text.substring(text.indexOf(':') + 1));
        }
        return new InetSocketAddress(host, port);
    }
}
