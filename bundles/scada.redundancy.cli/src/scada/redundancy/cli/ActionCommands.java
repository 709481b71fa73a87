package scada.redundancy.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.runtime.ConnectResult;
import scada.redundancy.runtime.VerifyResult;
import scada.redundancy.runtime.client.MonitorClient;

/** The operator's actions on a running server: Try To Connect, Verify, hand-over. */
final class ActionCommands {
    private ActionCommands() {
    }

    @Command(name = "try-connect", description = "Ask a running server to Try To Connect to one of its partners (resets its retries and fault).")
    static final class TryConnect implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ADDR:PORT", description = "The server.")
        String server;

        @Parameters(index = "1", paramLabel = "PARTNER", description = "The partner's Symbol.")
        String partner;

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (MonitorClient monitor = client.open()) {
                ConnectResult r = monitor.requestTryToConnect(ClientOptions.endpoint(server), partner)
                        .get(3L * client.timeoutMs + 2000, TimeUnit.MILLISECONDS);
                out.println(r.connected() ? "connected: " + r.detail()
                        : "NOT connected (" + r.failure().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "): "
                                + r.detail());
                out.flush();
                return r.connected() ? 0 : 1;
            } catch (ExecutionException e) {
                spec.commandLine().getErr().println(server + ": " + e.getCause().getMessage());
                return 1;
            }
        }
    }

    @Command(name = "verify", description = "Ask a running server to Verify its configuration against a partner's.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ADDR:PORT", description = "The server.")
        String server;

        @Parameters(index = "1", paramLabel = "PARTNER", description = "The partner's Symbol.")
        String partner;

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (MonitorClient monitor = client.open()) {
                VerifyResult r = monitor.requestVerify(ClientOptions.endpoint(server), partner)
                        .get(3L * client.timeoutMs + 2000, TimeUnit.MILLISECONDS);
                out.println(r.verified() ? "Verified: " + r.partnerSymbol() + " fits this server's configuration"
                        : "Not Verified: " + r.partnerSymbol());
                r.differences().forEach(d -> out.println("  - " + d));
                out.flush();
                return r.verified() ? 0 : 1;
            } catch (ExecutionException e) {
                spec.commandLine().getErr().println(server + ": " + e.getCause().getMessage());
                return 1;
            }
        }
    }

    @Command(name = "handover", description = "Ask a running primary to hand its role over to its best backup now (manual switch-over).")
    static final class HandOver implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ADDR:PORT", description = "The primary.")
        String server;

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() throws Exception {
            try (MonitorClient monitor = client.open()) {
                String successor = monitor.requestHandOver(ClientOptions.endpoint(server))
                        .get(3L * client.timeoutMs + 2000, TimeUnit.MILLISECONDS);
                spec.commandLine().getOut().println("handed over to " + successor);
                spec.commandLine().getOut().flush();
                return 0;
            } catch (ExecutionException e) {
                spec.commandLine().getErr().println(server + ": " + e.getCause().getMessage());
                return 1;
            }
        }
    }
}
