package scada.redundancy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.IpAddresses;
import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.ValidationContext;
import scada.redundancy.model.ValidationReport;
import scada.redundancy.runtime.deploy.ProjectFiles;
import scada.redundancy.runtime.tls.LinkIdentity;

/**
 * {@code server}: checks the configuration and the options, then gives the shell script the exact
 * command that starts the headless server (Equinox + Felix SCR + the runtime bundle), which the
 * script runs with {@code exec}: the server is one process that stops cleanly on SIGTERM. Its
 * main class is {@link ServerLauncher}, which owns the process and its exit code.
 */
@Command(name = "server", description = "Start a headless redundancy server.")
final class ServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "The redundancy configuration (*.scadaredundancy).")
    Path config;

    @Option(names = "--bind", paramLabel = "ADDR", required = true, description = "The IP address to listen on and connect from, e.g. 127.0.0.1.")
    String bind;

    @Option(names = "--data", paramLabel = "DIR", description = "Term, link identity and approved certificates (default: ~/.duplex/ADDR).")
    Path data;

    @Option(names = "--project", paramLabel = "DIR", description = "The SCADA project directory the partners must have identically.")
    Path project;

    @Option(names = "--dbsync-mode", paramLabel = "MODE",
            description = "DB sync: async (a write is confirmed once stored here; the default) or sync (once stored here "
                    + "and on every connected partner, or after --dbsync-sync-timeout). See the README.")
    String dbSyncMode; // null: the server's default (async), or what a -Dduplex.dbsync.mode among the JVM options says

    @Option(names = "--dbsync-sync-timeout", paramLabel = "MS",
            description = "DB sync in sync mode: how long a write waits for the partners (default: 2000 ms).")
    Long dbSyncTimeoutMs;

    @Option(names = "--health", paramLabel = "[ADDR:]PORT",
            description = "Answer GET /health on ADDR:PORT (default ADDR: --bind): 200 on the server that serves the plant, "
                    + "503 elsewhere, with the role and term as JSON, for keepalived or HAProxy. Off by default.")
    String health;

    @Option(names = "--on-promote", paramLabel = "CMD",
            description = "A command run when this server starts serving the plant (primary or standalone), e.g. "
                    + "'ip addr add 10.0.0.100/24 dev eth0'. Run without a shell (write 'sh -c ...' for one); "
                    + "DUPLEX_ROLE, DUPLEX_PREVIOUS_ROLE, DUPLEX_TERM, DUPLEX_SYMBOL, DUPLEX_CAUSE in its environment.")
    String onPromote;

    @Option(names = "--on-demote", paramLabel = "CMD", description = "A command run when this server stops serving the plant (see --on-promote).")
    String onDemote;

    @Option(names = "--hook-timeout", paramLabel = "MS",
            description = "How long a role-change command may run before it is killed with its child processes (default: 30000 ms).")
    Long hookTimeoutMs;

    @Option(names = "--log-dir", paramLabel = "DIR", description = "Where server.log and its rotated files go (default: DATA/logs).")
    Path logDir;

    @Option(names = "--log-size", paramLabel = "SIZE", description = "The largest log file before it rotates, e.g. 10M, 512K (default: 10M).")
    String logSize;

    @Option(names = "--log-files", paramLabel = "N", description = "How many log files to keep, the current one included (default: 10; 0: no log file).")
    Integer logFiles;

    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = DEFAULT_HEAP,
            description = "The server JVM's largest heap, e.g. 256M, 1G, 2G (default: ${DEFAULT-VALUE}). Raise it for a large "
                    + "plant (many tags, many OPC UA sessions); the embedded H2 history sizes its default page cache by it.")
    String heap;

    /**
     * See {@link #heap}. Measured with bench dbsync (H2): under CPU load, 500,000-row catch-ups ran at
     * 18-22k rows/s with 256M or 512M and 29-41k with 1G; on a quieter machine, 1,000,000 rows at 48k
     * (256M) against 41-44k (1G), with a higher steady lag p99 at 1G (505-574 ms against 222 ms).
     * No clear gain, so the default stays what every test and benchmark ran with.
     */
    static final String DEFAULT_HEAP = "256M";
    /** The least heap a server starts with: the runtime, Netty, OPC UA and a small history cache. */
    static final long MIN_HEAP_BYTES = 128L << 20;

    @Option(names = "--print-fingerprint", description = "Print this server's link certificate fingerprint (making its identity if needed) and exit.")
    boolean printFingerprint;

    @Option(names = "--launch-command", hidden = true, description = "Print the launch command, NUL-separated, for the shell script.")
    boolean launchCommand;

    @Option(names = "--java-option", paramLabel = "OPT", hidden = true, description = "An extra JVM option for the server.")
    List<String> javaOptions = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (IpAddresses.parse(bind).isEmpty()) {
            err.println("--bind " + bind + ": not an IP address; give the address this server listens on");
            return CheckCommand.USAGE;
        }
        Path dataDir = (data != null ? data : Path.of(System.getProperty("user.home"), ".duplex", bind)).toAbsolutePath();
        if (printFingerprint) {
            out.println(LinkIdentity.loadOrCreate(dataDir, bind).fingerprint());
            return 0;
        }
        if (config == null) {
            err.println("--config FILE is required to start a server");
            return CheckCommand.USAGE;
        }
        if (dbSyncMode != null && !dbSyncMode.equals("async") && !dbSyncMode.equals("sync")) {
            err.println("--dbsync-mode " + dbSyncMode + ": give async or sync");
            return CheckCommand.USAGE;
        }
        if (dbSyncTimeoutMs != null && (dbSyncTimeoutMs < 1 || dbSyncTimeoutMs > 600_000)) {
            err.println("--dbsync-sync-timeout " + dbSyncTimeoutMs + ": give 1 to 600000 ms");
            return CheckCommand.USAGE;
        }
        if (hookTimeoutMs != null && (hookTimeoutMs < 1 || hookTimeoutMs > 3_600_000)) {
            err.println("--hook-timeout " + hookTimeoutMs + ": give 1 to 3600000 ms");
            return CheckCommand.USAGE;
        }
        if (logFiles != null && (logFiles < 0 || logFiles > 1000)) {
            err.println("--log-files " + logFiles + ": give 0 (no log file) to 1000");
            return CheckCommand.USAGE;
        }
        Long heapBytes = bytes(heap);
        if (heapBytes == null || heapBytes < MIN_HEAP_BYTES || !heap.strip().matches("[0-9]+[kKmMgG]?")) {
            err.println("--heap " + heap + ": give a size of at least 128M, e.g. 1G, 2G or 768M");
            return CheckCommand.USAGE;
        }
        Long logBytes = null;
        if (logSize != null) {
            logBytes = bytes(logSize);
            if (logBytes == null || logBytes < 1024) {
                err.println("--log-size " + logSize + ": give a size of at least 1K, e.g. 10M, 512K or 1048576");
                return CheckCommand.USAGE;
            }
        }
        scada.redundancy.model.LoadedConfiguration loaded;
        try {
            loaded = ConfigurationFile.readWithLocations(config);
        } catch (ConfigurationReadException e) {
            err.println(e.getMessage().replaceFirst(": ", ": error: "));
            return CheckCommand.INVALID;
        }
        ValidationReport report = ConfigurationValidator.validate(loaded.configuration(),
                ValidationContext.boundTo(IpAddresses.parse(bind).get()));
        for (Problem p : report.problems()) {
            err.println(loaded.describe(config, p));
        }
        if (report.hasErrors()) {
            err.println(config + ": the server does not start with a configuration that has errors");
            return CheckCommand.INVALID;
        }
        if (project != null) {
            try { // a deployment cut by a crash between its two renames left the project set aside
                String recovered = ProjectFiles.recoverSwap(project);
                if (recovered != null) {
                    err.println(recovered);
                }
            } catch (IOException e) {
                err.println("--project " + project + ": " + e.getMessage());
                return CheckCommand.USAGE;
            }
        }
        if (project != null && !Files.isDirectory(project)) {
            err.println("--project " + project + ": not a directory");
            return CheckCommand.USAGE;
        }
        String productProperty = System.getProperty("duplex.product");
        if (productProperty == null) {
            err.println("the duplex.product property is not set: start the server with ./scada-redundancy server");
            return CheckCommand.USAGE;
        }
        Path product = Path.of(productProperty).toAbsolutePath();
        List<String> command = launchCommand(product, dataDir, loaded.configuration(), logBytes);
        if (launchCommand) {
            out.print(String.join("\0", command));
            out.print('\0');
        } else {
            out.println(String.join(" ", command));
        }
        out.flush();
        return 0;
    }

    /** {@code 10M}, {@code 512K}, {@code 1G} or a number of bytes; null when it is none of these. */
    static Long bytes(String size) {
        String s = size.strip().toUpperCase(java.util.Locale.ROOT);
        long unit = 1;
        if (s.endsWith("K") || s.endsWith("M") || s.endsWith("G")) {
            unit = s.endsWith("K") ? 1L << 10 : s.endsWith("M") ? 1L << 20 : 1L << 30;
            s = s.substring(0, s.length() - 1);
        }
        try {
            long n = Long.parseLong(s);
            return n < 0 || n > Long.MAX_VALUE / unit ? null : n * unit;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private List<String> launchCommand(Path product, Path dataDir, RedundancyConfiguration configuration, Long logBytes)
            throws IOException {
        Files.createDirectories(dataDir);
        // Each server gets its own OSGi configuration area (two servers can share one product),
        // with the product's config.ini made absolute.
        Path area = dataDir.resolve("osgi");
        Files.createDirectories(area);
        String ini = Files.readString(product.resolve("configuration/config.ini"), StandardCharsets.ISO_8859_1);
        ini = ini.replace("reference\\:file\\:", "reference\\:file\\:" + escape(product.resolve("plugins").toString()) + "/")
                .replace("osgi.framework=file\\:plugins/", "osgi.framework=file\\:" + escape(product.resolve("plugins").toString()) + "/");
        Files.writeString(area.resolve("config.ini"), ini, StandardCharsets.ISO_8859_1);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap.strip().toLowerCase(java.util.Locale.ROOT));
        cmd.addAll(javaOptions);
        cmd.add("-Dduplex.config=" + config.toAbsolutePath());
        cmd.add("-Dduplex.bind=" + bind);
        cmd.add("-Dduplex.data=" + dataDir);
        if (project != null) {
            cmd.add("-Dduplex.project=" + project.toAbsolutePath());
        }
        if (dbSyncMode != null) {
            cmd.add("-Dduplex.dbsync.mode=" + dbSyncMode);
        }
        if (dbSyncTimeoutMs != null) {
            cmd.add("-Dduplex.dbsync.syncTimeoutMs=" + dbSyncTimeoutMs);
        }
        // Read by the bundle scada.redundancy.ops (health endpoint, role-change hooks) from the server's configuration.
        if (health != null) {
            cmd.add("-Dduplex.health=" + health);
        }
        if (onPromote != null) {
            cmd.add("-Dduplex.hook.promote=" + onPromote);
        }
        if (onDemote != null) {
            cmd.add("-Dduplex.hook.demote=" + onDemote);
        }
        if (hookTimeoutMs != null) {
            cmd.add("-Dduplex.hook.timeoutMs=" + hookTimeoutMs);
        }
        // Read by ServerLauncher (ServerLogFile) before the framework starts.
        if (logDir != null) {
            cmd.add("-Dduplex.log.dir=" + logDir.toAbsolutePath());
        }
        if (logBytes != null) {
            cmd.add("-Dduplex.log.maxBytes=" + logBytes);
        }
        if (logFiles != null) {
            cmd.add("-Dduplex.log.files=" + logFiles);
        }
        cmd.add("-Dduplex.exitOnError=true");
        cmd.add("-Declipse.ignoreApp=true");
        cmd.add("-Dosgi.noShutdown=true");
        cmd.add("-Dosgi.install.area=" + product);
        cmd.add("-Dosgi.configuration.area=" + area);
        Path framework = plugin(product, "org.eclipse.osgi_*.jar");
        cmd.add("-Dosgi.framework=" + framework.toUri());
        // The framework and the launcher's own class only: the bundles load from the framework.
        cmd.add("-cp");
        cmd.add(framework + java.io.File.pathSeparator + plugin(product, "scada.redundancy.cli_*.jar"));
        cmd.add(ServerLauncher.class.getName());
        return cmd;
    }

    private static Path plugin(Path product, String glob) throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(product.resolve("plugins"), glob)) {
            for (Path jar : jars) {
                return jar;
            }
        }
        throw new IOException(product + "/plugins has no " + glob + ": rebuild the product");
    }

    private static String escape(String path) {
        return path.replace(":", "\\:");
    }
}
