package scada.redundancy.cli.logfile;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Gives a server process its log file: everything it writes to standard output and standard error
 * (the runtime's lines, DB sync's, the plant's, OPC UA's, a stack trace) also goes, line by line,
 * to {@code DIR/server.log} with rotation ({@link RotatingLogFile}). Installed by the launcher
 * before the OSGi framework starts, so every bundle's {@code System.out} is the tee.
 * <p>
 * Settings (system properties the server command sets from its options): {@code duplex.log.dir}
 * (default {@code DATA/logs}), {@code duplex.log.maxBytes} (default 10 MiB a file),
 * {@code duplex.log.files} (default 10 files; 0: no log file, the console only).
 */
public final class ServerLogFile {
    private ServerLogFile() {
    }

    /**
     * Tees standard output and error into the log file the system properties describe; returns the
     * file, or null when {@code duplex.log.files} is 0 or no data directory is set.
     *
     * @throws IllegalArgumentException a setting out of range, with the property's name
     */
    public static RotatingLogFile install() {
        int files = intProperty("duplex.log.files", RotatingLogFile.DEFAULT_FILES);
        long maxBytes = longProperty("duplex.log.maxBytes", RotatingLogFile.DEFAULT_MAX_BYTES);
        String dir = System.getProperty("duplex.log.dir");
        String data = System.getProperty("duplex.data");
        if (files == 0 || ((dir == null || dir.isBlank()) && (data == null || data.isBlank()))) {
            return null;
        }
        Path logs = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(data, "logs");
        PrintStream console = System.out;
        PrintStream consoleErr = System.err;
        RotatingLogFile file = new RotatingLogFile(logs.toAbsolutePath(), maxBytes, files, consoleErr);
        System.setOut(new PrintStream(new LineTee(console, file), true));
        System.setErr(new PrintStream(new LineTee(consoleErr, file), true));
        // Shutdown hooks run in no fixed order: from here on, every line (the runtime's hand-over on
        // SIGTERM) is written at once by its caller, so none is left in the queue when the JVM halts.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> file.writeThrough(1000), "duplex-log-file-shutdown"));
        return file;
    }

    private static int intProperty(String name, int otherwise) {
        long v = longProperty(name, otherwise);
        if (v < 0 || v > 1000) {
            throw new IllegalArgumentException(name + "=" + v + ": give 0 (no log file) to 1000 files");
        }
        return (int) v;
    }

    private static long longProperty(String name, long otherwise) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return otherwise;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + v + ": not a whole number");
        }
    }
}
