package scada.redundancy.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
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

    /** An action a monitoring client asks of the server at ADDR:PORT; exit 0 when it succeeded. */
    abstract static class OnServer implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ADDR:PORT", description = "The server.")
        String server;

        @Mixin
        ClientOptions client;

        /** @return the exit code */
        abstract int act(MonitorClient monitor, InetSocketAddress at, PrintWriter out) throws Exception;

        /** The server may take its own timeout for the action: wait for that and the conversation. */
        <T> T await(CompletableFuture<T> answer) throws Exception {
            return answer.get(3L * client.timeoutMs + 2000, TimeUnit.MILLISECONDS);
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (MonitorClient monitor = client.open()) {
                int code = act(monitor, ClientOptions.endpoint(server), out);
                out.flush();
                return code;
            } catch (ExecutionException e) {
                spec.commandLine().getErr().println(server + ": " + e.getCause().getMessage());
                return 1;
            }
        }
    }

    @Command(name = "try-connect", description = "Ask a running server to Try To Connect to one of its partners (resets its retries and fault).")
    static final class TryConnect extends OnServer {
        @Parameters(index = "1", paramLabel = "PARTNER", description = "The partner's Symbol.")
        String partner;

        @Override
        int act(MonitorClient monitor, InetSocketAddress at, PrintWriter out) throws Exception {
            ConnectResult r = await(monitor.requestTryToConnect(at, partner));
            out.println(r.connected() ? "connected: " + r.detail()
                    : "NOT connected (" + r.failure().name().toLowerCase(Locale.ROOT).replace('_', ' ') + "): " + r.detail());
            return r.connected() ? 0 : 1;
        }
    }

    @Command(name = "verify", description = "Ask a running server to Verify its configuration against a partner's.")
    static final class Verify extends OnServer {
        @Parameters(index = "1", paramLabel = "PARTNER", description = "The partner's Symbol.")
        String partner;

        @Override
        int act(MonitorClient monitor, InetSocketAddress at, PrintWriter out) throws Exception {
            VerifyResult r = await(monitor.requestVerify(at, partner));
            out.println(r.verified() ? "Verified: " + r.partnerSymbol() + " fits this server's configuration"
                    : "Not Verified: " + r.partnerSymbol());
            r.differences().forEach(d -> out.println("  - " + d));
            return r.verified() ? 0 : 1;
        }
    }

    @Command(name = "handover", description = "Ask a running primary to hand its role over to its best backup now (manual switch-over).")
    static final class HandOver extends OnServer {
        @Override
        int act(MonitorClient monitor, InetSocketAddress at, PrintWriter out) throws Exception {
            out.println("handed over to " + await(monitor.requestHandOver(at)));
            return 0;
        }
    }
}
