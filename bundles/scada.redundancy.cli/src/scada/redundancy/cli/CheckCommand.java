package scada.redundancy.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.IpAddresses;
import scada.redundancy.model.LoadedConfiguration;
import scada.redundancy.model.Problem;
import scada.redundancy.model.ValidationContext;
import scada.redundancy.model.ValidationReport;

/**
 * {@code check FILE}: the configuration test operators know from {@code nginx -t}: every problem
 * with its line and field and how to fix it; exit 0 only for a valid file.
 */
@Command(name = "check", description = "Check a redundancy configuration file. Exit 0 only for a valid file (warnings allowed), 1 if it has errors or cannot be read.")
final class CheckCommand implements Callable<Integer> {
    static final int VALID = 0;
    static final int INVALID = 1;
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Configuration files (*.scadaredundancy).")
    List<Path> files;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "The address the server binds to: a partner row that points at it is an error.")
    String bind;

    @Option(names = { "-q", "--quiet" }, description = "Print problems only, no summary.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ValidationContext context = ValidationContext.unknownHost();
        if (bind != null) {
            InetAddress address = IpAddresses.parse(bind).orElse(null);
            if (address == null) {
                err.println("--bind " + bind + ": not an IP address; give the address the server binds to, e.g. 192.168.1.10");
                return USAGE;
            }
            context = ValidationContext.boundTo(address);
        }
        int result = VALID;
        for (Path file : files) {
            result = Math.max(result, check(file, context, out));
        }
        out.flush();
        return result;
    }

    private int check(Path file, ValidationContext context, PrintWriter out) {
        LoadedConfiguration loaded;
        try {
            loaded = ConfigurationFile.readWithLocations(file);
        } catch (ConfigurationReadException e) {
            out.println(e.getMessage().replaceFirst(": ", ": error: "));
            if (!quiet) {
                out.println(file + ": cannot be read; nothing was checked");
            }
            return INVALID;
        }
        ValidationReport report = ConfigurationValidator.validate(loaded.configuration(), context);
        for (Problem p : report.problems()) {
            out.println(loaded.describe(file, p));
        }
        if (!quiet) {
            int errors = report.errors().size();
            int warnings = report.warnings().size();
            out.println(file + ": " + plural(errors, "error") + ", " + plural(warnings, "warning") + ": "
                    + (errors == 0 ? "the configuration is valid" : "the configuration is NOT valid"));
        }
        return report.hasErrors() ? INVALID : VALID;
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
