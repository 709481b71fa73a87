package scada.redundancy.dbsync.tests;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import scada.redundancy.dbsync.internal.JdbcStore;
import scada.redundancy.dbsync.internal.StoreException;
import scada.redundancy.dbsync.internal.StoreLocation;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;

/**
 * What the process tests read once the servers are stopped: each store's marks and row counts
 * (opened as the server opened it), and the load generator's own account in a server's log.
 */
final class HistoryCensus {
    private static final Pattern PROGRESS = Pattern
            .compile("^(\\S+) db-sync load: (\\d+) rows stored, (\\d+) refused so far");
    private static final Pattern STOPPED = Pattern.compile("db-sync load: stopped: (\\d+) rows stored, (\\d+) refused");

    /** One store: the marks of the origins that wrote something, and the rows held of each. */
    record Store(Map<String, Long> marks, Map<String, Long> rows) {
    }

    /** The load generator's once-a-second line: at {@code time}, so many rows were stored, so many refused. */
    record Progress(Instant time, long stored, long refused) {
    }

    private HistoryCensus() {
    }

    /**
     * Ends the load of a scenario that is over: the primary writes on for 2 s after the scenario's
     * last event (rows that stream to a server that has just returned), then {@code stopFile}
     * (each server's {@code -Dduplex.dbsync.loadStopFile}) ends every load generator within a tick
     * (50 ms), instead of at the bound fixed in advance for the slowest machine.
     *
     * @param until the load's bound (epoch ms)
     * @return when the load ended, or {@code until} when the bound comes first
     */
    static long endLoad(Path stopFile, long until) throws IOException, InterruptedException {
        if (System.currentTimeMillis() + 2_000 >= until) {
            return until;
        }
        Thread.sleep(2_000);
        Files.createFile(stopFile);
        return System.currentTimeMillis();
    }

    /** Opens the store of This SCADA's Database column {@code database} in {@code data} and counts it. */
    static Store count(String database, Path data) throws StoreException {
        JdbcStore store = JdbcStore.open(StoreLocation.parse(database, data), "check");
        try {
            Map<String, Long> marks = new TreeMap<>(store.highWaterMarks());
            marks.values().removeIf(v -> v == 0); // the incarnation this check opened, and any that wrote nothing
            Map<String, Long> rows = new TreeMap<>();
            for (JdbcStore.RowCount c : store.rowCounts()) {
                rows.merge(c.origin(), c.rows(), Long::sum);
            }
            return new Store(marks, rows);
        } finally {
            store.close();
        }
    }

    /**
     * Both stores hold the same origins up to the same marks, and every origin's rows 1..mark once
     * (the key forbids twice; a count equal to the mark leaves no room for a missing row).
     *
     * @return the marks
     */
    static Map<String, Long> assertEveryRowOnBothExactlyOnce(Store a, Store b) {
        assertEquals("both hold the same origins up to the same marks", a.marks(), b.marks());
        assertEquals("first store: every origin's rows 1..mark, each once", a.marks(), a.rows());
        assertEquals("second store: every origin's rows 1..mark, each once", b.marks(), b.rows());
        return a.marks();
    }

    /** Every progress line of the load generator in a server's log, oldest first. */
    static List<Progress> progress(Path log) throws IOException {
        List<Progress> found = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = PROGRESS.matcher(line);
            if (m.find()) {
                found.add(new Progress(Instant.parse(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
            }
        }
        return found;
    }

    /** The stored and refused counts of each "stopped" line of the load generator in a server's log. */
    static List<long[]> stopped(Path log) throws IOException {
        List<long[]> found = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = STOPPED.matcher(line);
            if (m.find()) {
                found.add(new long[] { Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) });
            }
        }
        return found;
    }

    /** The partner's Database column of {@code partner} in a status, or "". */
    static String database(RedundancyStatus s, String partner) {
        PartnerStatus p = partner(s, partner);
        return p == null ? "" : p.database();
    }

    static PartnerStatus partner(RedundancyStatus s, String partner) {
        for (PartnerStatus p : s.partners()) {
            if (p.symbol().equals(partner)) {
                return p;
            }
        }
        return null;
    }

    /** The lines of a log from byte {@code from} on that contain {@code text}. */
    static List<String> linesWith(Path log, long from, String text) throws IOException {
        byte[] all = Files.readAllBytes(log);
        String tail = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
                java.nio.charset.StandardCharsets.UTF_8);
        List<String> found = new ArrayList<>();
        for (String line : tail.split("\n")) {
            if (line.contains(text)) {
                found.add(line);
            }
        }
        return found;
    }
}
