package scada.redundancy.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code scada-redundancy}: the operator's command line. The shell script at the repository's
 * root runs the build, the tests and the demo itself and hands the other subcommands to this
 * class, which runs on a plain class path of the server's bundles (no OSGi framework needed).
 */
@Command(name = "scada-redundancy", mixinStandardHelpOptions = true, version = "Duplex 0.1.0",
        description = "SCADA server redundancy: configuration check, runtime status.",
        subcommands = { CheckCommand.class, DemoCommand.class, BenchCommand.class, ServerCommand.class, StatusCommand.class,
                ActionCommands.TryConnect.class, ActionCommands.Verify.class, ActionCommands.HandOver.class,
                FingerprintCommand.class, TrustCommand.class, HistoryCommand.class, PlcSimCommand.class,
                OpcUaClientCommand.class, MaintenanceCommand.class, DeployCommand.class })
public final class DuplexCommand implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line on the standard streams and returns its exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs a command line on the given streams and returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new DuplexCommand()).setCaseInsensitiveEnumValuesAllowed(true).setOut(out).setErr(err)
                .setExecutionExceptionHandler((e, command, parsed) -> {
                    // A plain sentence for the operator, not a stack trace: what failed and why.
                    command.getErr().println("scada-redundancy " + command.getCommandName() + ": " + plain(e));
                    return 1;
                }).execute(args);
    }

    private static String plain(Exception e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.ExecutionException || t instanceof java.util.concurrent.CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
