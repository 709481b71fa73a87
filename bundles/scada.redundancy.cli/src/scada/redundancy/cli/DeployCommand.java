package scada.redundancy.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.LoadedConfiguration;
import scada.redundancy.model.Partner;
import scada.redundancy.model.ServerView;
import scada.redundancy.model.ServerViews;
import scada.redundancy.runtime.client.MonitorClient;
import scada.redundancy.runtime.deploy.DeployResult;
import scada.redundancy.runtime.deploy.Deployer;
import scada.redundancy.runtime.deploy.Deployment;
import scada.redundancy.runtime.deploy.DeploymentFolders;
import scada.redundancy.runtime.tls.TrustStore;

/**
 * {@code deploy CONFIG [--project DIR] (--out DIR | --push)}: deploy by export from the command
 * line, for scripted plants. The configuration as edited in the studio becomes one view per
 * server (see {@link ServerViews}); each is written to a folder, or pushed to the running
 * server over its authenticated link as an operator. One result line per server; exit 0 only when
 * every server applied its deployment.
 */
@Command(name = "deploy", description = {
        "Deploy a redundancy configuration (and the SCADA project) to every server of its set: each server gets its "
                + "own view (its row as This SCADA, the others as partners). Write a folder per server (--out), or "
                + "push to the running servers (--push) as a client they approved as operator.",
        "This SCADA's address is not in the file (a server does not name itself): give it with --address SYMBOL=ADDR." })
final class DeployCommand implements Callable<Integer> {
    static final int ALL_APPLIED = 0;
    static final int NOT_ALL_APPLIED = 1;
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The configuration as edited in the studio (*.scadaredundancy).")
    Path config;

    @Option(names = "--project", paramLabel = "DIR", description = "The SCADA project folder to deploy with it (every server runs the same one).")
    Path project;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Write OUT/SYMBOL/... for every server and OUT/manifest.json.")
        Path out;

        @Option(names = "--push", required = true, description = "Push to the running servers over their redundancy link.")
        boolean push;
    }

    @Option(names = "--partial", description = "With --push: push to every server whatever the others say. By default "
            + "every server first checks its deployment and nothing is pushed to any unless all of them would apply it.")
    boolean partial;

    @Option(names = "--address", paramLabel = "SYMBOL=ADDR[:PORT]",
            description = "Where a server is: required for This SCADA (its address in the others' views); for --push, "
                    + "also where to reach a server (default: its address in the views and the configuration's port).")
    List<String> addresses = List.of();

    @Option(names = "--certificate", paramLabel = "SHA256",
            description = "This SCADA's link certificate fingerprint, pinned in the other servers' views "
                    + "(./scada-redundancy fingerprint --data DIR prints it). With --push it is asked of the running server when not given.")
    String thisCertificate = "";

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadedConfiguration loaded;
        if (partial && !target.push) {
            err.println("deploy: --partial goes with --push (--out always writes every server's folder)");
            return USAGE;
        }
        try {
            loaded = ConfigurationFile.readWithLocations(config);
        } catch (ConfigurationReadException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        String thisSymbol = loaded.configuration().thisScada().symbol();
        Map<String, InetSocketAddress> endpoints;
        try {
            endpoints = endpoints(loaded);
        } catch (IllegalArgumentException e) {
            err.println("deploy: " + e.getMessage());
            return USAGE;
        }
        InetSocketAddress thisEndpoint = endpoints.get(thisSymbol);
        String thisAddress = thisEndpoint == null ? "" : thisEndpoint.getHostString();
        try (MonitorClient monitor = target.push ? client.open(pinned(loaded)) : null) {
            String certificate = thisCertificate.strip();
            if (certificate.isEmpty() && monitor != null && thisEndpoint != null) {
                // Pinned in the others' views: asked of the running server, over TLS this client trusts.
                out.println("asking " + thisSymbol + " at " + show(thisEndpoint) + " for its certificate");
                try {
                    certificate = monitor.certificateOf(thisEndpoint).get(3L * client.timeoutMs, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    err.println("deploy: cannot ask " + thisSymbol + " at " + show(thisEndpoint) + " for its certificate: "
                            + e.getCause().getMessage() + "; give it with --certificate SHA256");
                    return NOT_ALL_APPLIED;
                }
            }
            List<ServerView> views;
            try {
                views = ServerViews.of(loaded.configuration(), thisAddress, certificate);
            } catch (IllegalArgumentException e) {
                err.println("deploy: " + e.getMessage());
                return USAGE;
            }
            if (!report(views, out, err)) {
                return NOT_ALL_APPLIED;
            }
            List<Deployment> deployments = Deployment.of(views, project);
            if (!deployments.isEmpty() && !deployments.get(0).projectFingerprint().isEmpty()) {
                out.println("project " + project + ": " + deployments.get(0).project().size() + " files, fingerprint "
                        + deployments.get(0).projectFingerprint());
            }
            List<DeployResult> results;
            if (monitor == null) {
                results = DeploymentFolders.write(target.out, deployments);
            } else {
                long waitMs = 4L * client.timeoutMs + 12_000; // the server validates, writes and applies first
                results = Deployer.push(monitor, deployments, endpoints, waitMs, partial, new Deployer.Progress() {
                    @Override
                    public void checking(Deployment d, InetSocketAddress at) {
                        out.println("checking on " + d.symbol() + " at " + show(at) + " ...");
                        out.flush();
                    }

                    @Override
                    public void pushing(Deployment d, InetSocketAddress at) {
                        out.println("pushing to " + d.symbol() + " at " + show(at) + " ...");
                        out.flush();
                    }
                });
            }
            results.forEach(r -> out.println(r.line()));
            long applied = results.stream().filter(r -> r.outcome() == DeployResult.Outcome.APPLIED).count();
            out.println(applied + " of " + results.size() + " servers " + (monitor == null ? "written" : "applied"));
            out.flush();
            return applied == results.size() ? ALL_APPLIED : NOT_ALL_APPLIED;
        }
    }

    /** Prints every view's problems; false when one has errors (nothing is deployed then). */
    private static boolean report(List<ServerView> views, PrintWriter out, PrintWriter err) {
        boolean ok = true;
        for (ServerView v : views) {
            out.println(v.symbol() + " at " + v.address() + ": partners " + String.join(", ", v.partnerSymbols())
                    + (v.unpinnedPartners().isEmpty() ? "" : "; certificate not pinned for " + String.join(", ", v.unpinnedPartners())));
            for (var p : v.report().problems()) {
                (p.isError() ? err : out).println("  " + v.symbol() + "'s view: " + p.severity().toString().toLowerCase(Locale.ROOT)
                        + ": " + p.path() + ": " + p.message() + " Fix: " + p.howToFix());
            }
            ok &= !v.report().hasErrors();
        }
        if (!ok) {
            err.println("deploy: nothing deployed: a server's view has errors (fix them in the configuration and deploy again)");
        }
        return ok;
    }

    /** The --address values by Symbol; the configuration's Symbols as spelt there. */
    private Map<String, InetSocketAddress> endpoints(LoadedConfiguration loaded) {
        int port = loaded.configuration().thisScada().port();
        Map<String, String> symbols = new HashMap<>();
        symbols.put(key(loaded.configuration().thisScada().symbol()), loaded.configuration().thisScada().symbol());
        for (Partner p : loaded.configuration().partners()) {
            symbols.put(key(p.symbol()), p.symbol());
        }
        Map<String, InetSocketAddress> endpoints = new LinkedHashMap<>();
        for (String a : addresses) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--address " + a + ": give SYMBOL=ADDR or SYMBOL=ADDR:PORT");
            }
            String symbol = symbols.get(key(a.substring(0, eq)));
            if (symbol == null) {
                throw new IllegalArgumentException("--address " + a + ": " + a.substring(0, eq).strip()
                        + " is not a server of " + config + " (its servers: " + String.join(", ", symbols.values()) + ")");
            }
            String endpoint = a.substring(eq + 1).strip();
            InetSocketAddress at;
            try {
                at = ClientOptions.endpoint(endpoint, port);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--address " + a + ": give SYMBOL=ADDR or SYMBOL=ADDR:PORT");
            }
            endpoints.put(symbol, at);
        }
        return endpoints;
    }

    /** The partner rows' pinned certificates: the client trusts the servers the configuration pins. */
    private Set<String> pinned(LoadedConfiguration loaded) {
        Set<String> pinned = new HashSet<>();
        loaded.configuration().partners().stream().map(Partner::normalizedCertificateSha256).filter(f -> !f.isEmpty())
                .forEach(pinned::add);
        if (!thisCertificate.isBlank()) {
            pinned.add(TrustStore.normalize(thisCertificate));
        }
        return pinned;
    }

    private static String show(InetSocketAddress at) {
        return at.getHostString() + ":" + at.getPort();
    }

    private static String key(String symbol) {
        return symbol.strip().toLowerCase(Locale.ROOT);
    }
}
