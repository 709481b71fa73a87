package scada.redundancy.dbsync.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

import scada.redundancy.history.HistoryWriter;
import scada.redundancy.history.Severity;

/** The store on H2 and on a real PostgreSQL server: schema, identity, local numbers, apply, marks, gaps. */
@RunWith(Parameterized.class)
public class JdbcStoreTest {
    @Parameters(name = "{0}")
    public static Collection<Object[]> backends() {
        return StoreTestDatabase.backends();
    }

    @Parameter
    public StoreTestDatabase.Backend backend;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private StoreTestDatabase db;
    private final List<JdbcStore> opened = new ArrayList<>();

    @Before
    public void createDatabase() throws Exception {
        db = StoreTestDatabase.create(backend, folder.getRoot().toPath());
    }

    @After
    public void dropDatabase() throws Exception {
        opened.forEach(JdbcStore::close);
        if (db != null) {
            db.close();
        }
    }

    private JdbcStore open() throws StoreException {
        JdbcStore store = JdbcStore.open(db.location(), "A");
        opened.add(store);
        return store;
    }

    private static List<JdbcStore.NewRow> tags(int n, String tag) {
        List<JdbcStore.NewRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(JdbcStore.NewRow.tag(1_000_000L * i, tag, i, 0));
        }
        return rows;
    }

    private static List<Row> partnerRows(String origin, long from, long to) {
        List<Row> rows = new ArrayList<>();
        for (long seq = from; seq <= to; seq++) {
            rows.add(Row.tag(origin, seq, seq * 1000, "B.tag", seq, 0));
        }
        return rows;
    }

    @Test
    public void createsTheSchemaAndNumbersEachOpeningAsANewIncarnationOfItsIdentity() throws Exception {
        JdbcStore store = open();
        assertEquals(Schema.VERSION, store.schemaVersion());
        assertTrue(store.origin(), store.origin().matches("A-[0-9a-f]{8}\\.1"));
        assertEquals(Map.of(store.origin(), 0L), store.highWaterMarks());
        store.appendLocal(0, tags(3, "T1"));
        store.close();

        // Opened again (a restart, perhaps after a crash that lost its last commits): the same store,
        // a new incarnation that numbers from 1 and can never reuse a number the former one gave out.
        JdbcStore again = open();
        String base = store.origin().substring(0, store.origin().lastIndexOf('.'));
        assertEquals(base + ".2", again.origin());
        assertEquals(Map.of(store.origin(), 3L, again.origin(), 0L), again.highWaterMarks());
        assertEquals("the former incarnation's rows are kept", 3, again.rowsAfter(store.origin(), 0, 10).size());
        assertEquals(1, again.appendLocal(0, tags(1, "T1")).firstSeq());
        assertEquals(1, db.count("SELECT COUNT(*) FROM " + db.table("duplex_schema_version")));
    }

    @Test
    public void theCensusGivesEachOriginsSpanAndFindsTheSameSampleRecordedByTwoOrigins() throws Exception {
        JdbcStore store = open();
        store.appendLocal(0, tags(3, "T1")); // T1 at 0, 1 and 2 s
        assertEquals(0, store.repeatedSamples());
        store.apply(List.of(Row.tag("B-1", 1, 1_000_000L, "T1", 7, 0), Row.tag("B-1", 2, 5_000_000L, "T1", 8, 0),
                Row.tag("B-1", 3, 1_000_000L, "T2", 9, 0)));
        assertEquals("T1 at 1 s recorded by A and by B: once too many", 1, store.repeatedSamples());
        assertEquals(List.of(new JdbcStore.OriginSpan(store.origin(), 3, 0, 2_000_000L),
                new JdbcStore.OriginSpan("B-1", 3, 1_000_000L, 5_000_000L)),
                store.originSpans().stream().sorted(java.util.Comparator.comparing(JdbcStore.OriginSpan::origin)).toList());
        assertEquals(Map.of(store.origin(), 2L, "B-1", 2L), store.rowsUpTo(1_000_000L));
    }

    @Test
    public void aWipedStoreGetsANewOrigin() throws Exception {
        JdbcStore store = open();
        store.appendLocal(0, tags(2, "T1"));
        store.close();
        db.execute("DROP TABLE " + db.table("duplex_history"), "DROP TABLE " + db.table("duplex_mark"),
                "DROP TABLE " + db.table("duplex_gap"), "DROP TABLE " + db.table("duplex_store"),
                "DROP TABLE " + db.table("duplex_schema_version"));

        JdbcStore fresh = open();
        assertNotEquals(store.origin(), fresh.origin());
        assertNotEquals("another store id, not only another incarnation", store.origin().split("\\.")[0],
                fresh.origin().split("\\.")[0]);
        assertEquals(Map.of(fresh.origin(), 0L), fresh.highWaterMarks());
    }

    @Test
    public void aNewerSchemaIsRefusedAndLeftAlone() throws Exception {
        JdbcStore store = open();
        store.appendLocal(0, tags(2, "T1"));
        store.close();
        db.execute("INSERT INTO " + db.table("duplex_schema_version")
                + " (version, description, applied_micros) VALUES (99, 'from the future', 0)");

        StoreException e = assertThrows(StoreException.class, () -> open());
        assertTrue(e.getMessage(), e.getMessage().contains("schema version 99, written by a newer Duplex"));
        assertTrue(e.getMessage(), e.getMessage().contains("knows versions up to " + Schema.VERSION));
        assertTrue(e.getMessage(), e.getMessage().contains(db.location().description()));
        assertEquals(2, db.count("SELECT COUNT(*) FROM " + db.table("duplex_schema_version")));
        assertEquals(2, db.count("SELECT COUNT(*) FROM " + db.table("duplex_history")));
    }

    @Test
    public void rowsComeBackAsWritten() throws Exception {
        JdbcStore store = open();
        String text = "Pumpe P-101 \u00fcberlastet \u2014 \u6e29\u5ea6\thigh";
        List<JdbcStore.NewRow> rows = List.of(JdbcStore.NewRow.tag(1_700_000_000_123_456L, "Plant.T1", Double.NaN, 0x80000000L),
                JdbcStore.NewRow.tag(1_700_000_001_000_000L, "Plant.T1", Double.POSITIVE_INFINITY, 0),
                JdbcStore.NewRow.tag(1_700_000_002_000_000L, "Plant.T1", -0.5e-300, 0xFFFF_FFFFL),
                JdbcStore.NewRow.log(1_700_000_003_000_000L, Severity.ALARM, "Plant.T1", text),
                JdbcStore.NewRow.log(-5, Severity.AUDIT, "operator", ""));
        JdbcStore.Appended appended = store.appendLocal(0, rows);
        assertEquals(new JdbcStore.Appended(1, 5, false), appended);

        List<Row> back = store.rowsAfter(store.origin(), 0, 100);
        assertEquals(5, back.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i).withIdentity(store.origin(), i + 1), back.get(i));
        }
        assertTrue(Double.isNaN(back.get(0).value()));

        List<Row> range = store.tagValues("Plant.T1", 1_700_000_000_123_456L, 1_700_000_002_000_000L, 10);
        assertEquals(List.of(back.get(0), back.get(1)), range);
        assertEquals(List.of(new JdbcStore.RowCount(store.origin(), Row.Kind.LOG, 2),
                new JdbcStore.RowCount(store.origin(), Row.Kind.TAG, 3)), store.rowCounts());
    }

    @Test
    public void applyIsIdempotent() throws Exception {
        JdbcStore store = open();
        assertEquals(5, store.apply(partnerRows("B-1", 1, 5)));
        assertEquals(0, store.apply(partnerRows("B-1", 1, 5)));
        assertEquals(3, store.apply(partnerRows("B-1", 3, 8)));
        assertEquals(0, store.apply(partnerRows("B-1", 8, 8)));

        assertEquals(8L, (long) store.highWaterMarks().get("B-1"));
        assertEquals(partnerRows("B-1", 1, 8), store.rowsAfter("B-1", 0, 100));
        for (long seq = 1; seq <= 8; seq++) {
            assertEquals(1, store.copiesOf("B-1", seq));
        }
        assertEquals(0, store.copiesOf("B-1", 9));
    }

    /**
     * Every field of an applied row reads back as it was sent, the awkward ones included (on
     * PostgreSQL the apply goes by binary COPY, with its own encoding of each column).
     */
    @Test
    public void applyKeepsEveryFieldExactly() throws Exception {
        JdbcStore store = open();
        String longest = "\u00e9\u20ac\ud83d\ude00".repeat(50); // 200 Java chars (the limit): accents, euro, an emoji (a surrogate pair)
        List<Row> rows = new ArrayList<>();
        rows.add(Row.tag("B-1", 1, Long.MIN_VALUE + 1, "pump/speed", Double.NaN, 0));
        rows.add(Row.tag("B-1", 2, -1, "pump/speed", -1.5, 0xFFFF_FFFFL)); // not -0.0: H2 stores it as 0.0
        rows.add(Row.tag("B-1", 3, Long.MAX_VALUE, "\\server\\share 'quoted' \"double\"", Double.NEGATIVE_INFINITY, 1));
        rows.add(Row.tag("B-1", 4, 0, "x".repeat(HistoryWriter.MAX_NAME), Double.MIN_VALUE, 0x8000_0000L));
        rows.add(Row.tag("B-1", 5, 1, "t", 1.0E308, 0));
        long seq = 6;
        for (Severity severity : Severity.values()) {
            rows.add(Row.log("B-1", seq++, 1_700_000_000_000_000L + severity.code(), severity, "alarms/" + severity,
                    "tab\tbetween, \\N and \\. as text; a comma, \"quotes\""));
        }
        rows.add(Row.log("B-1", seq++, 2, Severity.AUDIT, longest, "y".repeat(HistoryWriter.MAX_TEXT)));
        rows.add(Row.log("B-1", seq, 3, Severity.INFO, "empty text", ""));

        assertEquals(rows.size(), store.apply(rows));
        assertEquals(rows, store.rowsAfter("B-1", 0, 100));
        assertEquals((long) rows.size(), (long) store.highWaterMarks().get("B-1"));
    }

    /**
     * An apply of more rows than one statement takes (H2 inserts many rows a statement; PostgreSQL
     * copies): every row lands whole and in its own place, whether it fell in a full statement or
     * in the shorter last one, and a batch that starts below the mark skips exactly the rows held.
     */
    @Test
    public void aLargeApplyKeepsEveryRowInItsPlaceAcrossStatements() throws Exception {
        JdbcStore store = open();
        int perStatement = JdbcStore.H2_ROWS_PER_STATEMENT;
        List<Row> rows = new ArrayList<>();
        for (long seq = 1; seq <= 2L * perStatement + 137; seq++) {
            rows.add(seq % 3 == 0
                    ? Row.log("B-1", seq, 5_000 + seq, Severity.values()[(int) (seq % Severity.values().length)],
                            "alarm/" + seq, "text of " + seq)
                    : Row.tag("B-1", seq, 7_000 + seq, "tag/" + seq, seq * 0.25, seq * 3));
        }
        assertEquals(50, store.apply(rows.subList(0, 50)));

        assertEquals("the 50 held are skipped", rows.size() - 50, store.apply(rows));
        assertEquals(rows, store.rowsAfter("B-1", 0, 10_000));
        assertEquals((long) rows.size(), (long) store.highWaterMarks().get("B-1"));
        for (long seq : new long[] { 1, 50, 51, perStatement + 50, perStatement + 51, rows.size() }) {
            assertEquals("copies of #" + seq, 1, store.copiesOf("B-1", seq));
        }
    }

    @Test
    public void applyRefusesAnInvalidRowAndAppliesNothingOfItsBatch() throws Exception {
        JdbcStore store = open();
        List<Row> rows = new ArrayList<>(partnerRows("B-1", 1, 5));
        rows.set(2, Row.tag("B-1", 3, 3000, "x".repeat(300), 3, 0));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.apply(rows));
        assertTrue(e.getMessage(), e.getMessage().contains("B-1 #3") && e.getMessage().contains("300 characters"));
        assertEquals(0, store.lowestHeld("B-1"));
        assertFalse(store.highWaterMarks().containsKey("B-1"));
    }

    @Test
    public void eachRowRecordsWhenThisStoreStoredItOneTimePerTransaction() throws Exception {
        JdbcStore store = open();
        long beforeAppend = JdbcStore.nowMicros();
        store.appendLocal(0, tags(3, "T1"));
        long afterAppend = JdbcStore.nowMicros();
        store.apply(partnerRows("B-1", 1, 2));
        long afterApply = JdbcStore.nowMicros();
        store.apply(partnerRows("B-1", 3, 4));

        long[] own = store.storedMicros(store.origin(), 1, 5);
        assertTrue("stored during the append: " + Arrays.toString(own), own[0] >= beforeAppend && own[0] <= afterAppend);
        assertEquals("one time per transaction", own[0], own[2]);
        assertEquals("rows not held read 0", 0, own[3]);
        long[] replica = store.storedMicros("B-1", 2, 3); // seq 2, 3, 4
        assertTrue("a replica's own time, not the partner's: " + Arrays.toString(replica),
                replica[0] >= afterAppend && replica[0] <= afterApply);
        assertTrue("the second apply stored later", replica[1] >= afterApply);
        assertEquals(replica[1], replica[2]);
    }

    /** A damaged store: a row of B-1 at {@code seq}, above the mark, that an apply will collide with. */
    private void insertStrayRow(long seq) throws Exception {
        db.execute("INSERT INTO " + db.table("duplex_history") + " (origin, seq, kind, time_micros, name, tag_value, "
                + "quality, severity, log_text, stored_micros) VALUES ('B-1', " + seq
                + ", 'TAG', 0, 'stray', 0, 0, NULL, '', 0)");
    }

    @Test
    public void applyIsAllOrNothingWhenTheDatabaseRefusesTheThirdRow() throws Exception {
        JdbcStore store = open();
        store.apply(partnerRows("B-1", 1, 2));
        // A damaged store: a row above the mark that the batch will collide with at its third row.
        insertStrayRow(5);

        StoreException e = assertThrows(StoreException.class, () -> store.apply(partnerRows("B-1", 3, 7)));
        assertTrue(e.getMessage(), e.getMessage().startsWith("cannot apply rows of B-1: "));
        assertEquals(2L, (long) store.highWaterMarks().get("B-1"));
        assertEquals(0, store.copiesOf("B-1", 3));
        assertEquals(0, store.copiesOf("B-1", 4));

        db.execute("DELETE FROM " + db.table("duplex_history") + " WHERE name = 'stray'");
        assertEquals(5, store.apply(partnerRows("B-1", 3, 7)));
        assertEquals(partnerRows("B-1", 1, 7), store.rowsAfter("B-1", 0, 100));
    }

    @Test
    public void aLongBatchThatFailsKeepsWhatItsEarlierTransactionsCommittedAndTheMarkSaysHowFar() throws Exception {
        JdbcStore store = open();
        store.apply(partnerRows("B-1", 1, 2));
        // A catch-up batch of 5,000 rows (3..5002) that collides at its 4,501st row (seq 4503).
        insertStrayRow(4503);

        StoreException e = assertThrows(StoreException.class, () -> store.apply(partnerRows("B-1", 3, 5002)));
        // H2 commits 2,000 rows a transaction: the first two (3..4002) stay; PostgreSQL applies the
        // batch in one transaction: nothing of it stays.
        int kept = backend == StoreTestDatabase.Backend.H2 ? 2 * JdbcStore.H2_APPLY_TRANSACTION_ROWS : 0;
        assertEquals(kept, e.rowsApplied());
        assertEquals(2L + kept, (long) store.highWaterMarks().get("B-1"));
        assertEquals(partnerRows("B-1", 1, 2 + kept), store.rowsAfter("B-1", 0, 2 + kept));
        assertEquals("nothing after the last committed transaction", 0, store.copiesOf("B-1", 3 + kept));
        assertEquals(0, store.copiesOf("B-1", 4502));

        db.execute("DELETE FROM " + db.table("duplex_history") + " WHERE name = 'stray'");
        assertEquals("sent again, the batch adds the rest", 5000 - kept, store.apply(partnerRows("B-1", 3, 5002)));
        assertEquals(partnerRows("B-1", 1, 5002), store.rowsAfter("B-1", 0, 10_000));
        assertEquals(0, store.apply(partnerRows("B-1", 3, 5002)));
    }

    @Test
    public void applyRefusesBatchesThatBreakTheOrder() throws Exception {
        JdbcStore store = open();
        store.apply(partnerRows("B-1", 1, 3));
        assertThrows(IllegalArgumentException.class, () -> store.apply(partnerRows("B-1", 5, 6)));
        List<Row> mixed = new ArrayList<>(partnerRows("B-1", 4, 5));
        mixed.add(Row.tag("C-1", 6, 0, "t", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> store.apply(mixed));
        List<Row> holed = new ArrayList<>(partnerRows("B-1", 4, 4));
        holed.addAll(partnerRows("B-1", 6, 6));
        assertThrows(IllegalArgumentException.class, () -> store.apply(holed));
        // New rows of this store's own origin come only from its own writer.
        assertThrows(IllegalArgumentException.class, () -> store.apply(partnerRows(store.origin(), 1, 1)));
        assertEquals(Map.of(store.origin(), 0L, "B-1", 3L), store.highWaterMarks());
    }

    @Test
    public void localNumbersStayContiguousAcrossAFailedTransaction() throws Exception {
        JdbcStore store = open();
        assertEquals(new JdbcStore.Appended(1, 3, false), store.appendLocal(0, tags(3, "T1")));

        db.breakStore();
        assertThrows(StoreException.class, () -> store.appendLocal(3, tags(2, "T2")));
        db.repair();

        assertEquals(new JdbcStore.Appended(4, 5, false), store.appendLocal(3, tags(2, "T2")));
        // The same batch again, as after a commit whose answer was lost: recognised, not written twice.
        assertEquals(new JdbcStore.Appended(4, 5, true), store.appendLocal(3, tags(2, "T2")));
        List<Row> rows = store.rowsAfter(store.origin(), 0, 100);
        assertEquals(5, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(i + 1, rows.get(i).seq());
        }
        assertEquals(5, store.highWaterMark(store.origin()));
        // A writer that believes the origin ends elsewhere is stopped, not allowed to renumber.
        assertThrows(IllegalStateException.class, () -> store.appendLocal(1, tags(1, "T3")));
    }

    @Test
    public void marksRowsAfterLowestHeldAndGaps() throws Exception {
        JdbcStore store = open();
        store.apply(partnerRows("B-1", 1, 10));
        assertEquals(List.of(5L, 6L, 7L), store.rowsAfter("B-1", 4, 3).stream().map(Row::seq).toList());
        assertEquals(1, store.lowestHeld("B-1"));
        assertEquals(0, store.lowestHeld("nobody"));
        assertEquals(List.of(), store.rowsAfter("B-1", 10, 5));

        Gap gap = new Gap("B-1", 11, 20, 10_000, 21_000, "purged on B by retention before it reached A", 42);
        assertThrows(IllegalArgumentException.class,
                () -> store.recordGap(new Gap("B-1", 12, 20, -1, -1, "does not start after the mark", 1)));
        store.recordGap(gap);
        store.recordGap(gap); // recorded once
        assertEquals(20L, (long) store.highWaterMarks().get("B-1"));
        assertEquals(List.of(gap), store.gaps(10));
        assertEquals(2, store.apply(partnerRows("B-1", 21, 22)));

        // The list stays contiguous: rows after 8 stop at the gap; after 10 they start above it.
        assertEquals(List.of(9L, 10L), store.rowsAfter("B-1", 8, 100).stream().map(Row::seq).toList());
        assertEquals(List.of(21L, 22L), store.rowsAfter("B-1", 10, 100).stream().map(Row::seq).toList());
        assertThrows(IllegalArgumentException.class,
                () -> store.recordGap(new Gap(store.origin(), 1, 2, -1, -1, "own rows", 1)));
    }

    @Test
    public void printsTheLocalInsertRate() throws Exception {
        JdbcStore store = open();
        int batches = 20;
        int batch = 2_000;
        long seq = 0;
        for (int b = 0; b < 5; b++) { // warm-up, not measured: the JIT compiles the insert path
            seq = store.appendLocal(seq, tags(batch, "Warm.T" + b)).lastSeq();
        }
        long warm = seq;
        long started = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            seq = store.appendLocal(seq, tags(batch, "Rate.T" + b)).lastSeq();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(warm + (long) batches * batch, seq);
        assertEquals(seq, store.rowsAfter(store.origin(), 0, (int) seq + 1).size());
        System.out.printf(Locale.ROOT, "JdbcStoreTest[%s]: local insert %,d rows in batches of %,d: %.2f s, %,.0f rows/s%n",
                backend, batches * batch, batch, seconds, batches * batch / seconds);
    }
}
