package scada.redundancy.dbsync.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.Test;

/**
 * The test store follows the {@link ReplicaStore} contract the replication tests rely on: the
 * same checks a JDBC store must pass (marks, idempotent all-or-nothing apply, rowsAfter with
 * holes after a purge, gaps moving the mark).
 */
public class MemoryReplicaStoreContractTest {
    private final MemoryReplicaStore store = new MemoryReplicaStore("A-1", 1, new Object());

    @Test
    public void itsOwnOriginIsMarkedFromTheStart() throws Exception {
        assertEquals(Map.of("A-1", 0L), store.highWaterMarks());
        store.writeLocal(5);
        assertEquals(Map.of("A-1", 5L), store.highWaterMarks());
        assertEquals(1, store.lowestHeld("A-1"));
        assertEquals(0, store.lowestHeld("nobody"));
    }

    @Test
    public void applyIsIdempotentAndSkipsWhatItHolds() throws Exception {
        List<Row> b = SyncMessageCodecTest.rows("B-2", 1, 10);
        assertEquals(10, store.apply(b));
        assertEquals(0, store.apply(b));
        assertEquals(5, store.apply(SyncMessageCodecTest.rows("B-2", 6, 10))); // 6..15: 11..15 new
        assertEquals(15L, (long) store.highWaterMarks().get("B-2"));
        assertEquals(SyncMessageCodecTest.rows("B-2", 1, 15), store.rowsAfter("B-2", 0, 100));
        assertEquals(0, store.conflicts());
    }

    @Test
    public void applyRefusesAllOfABadBatch() throws Exception {
        store.apply(SyncMessageCodecTest.rows("B-2", 1, 3));
        assertThrows(IllegalArgumentException.class, () -> store.apply(SyncMessageCodecTest.rows("B-2", 5, 3)));
        List<Row> mixed = new java.util.ArrayList<>(SyncMessageCodecTest.rows("B-2", 4, 2));
        mixed.addAll(SyncMessageCodecTest.rows("C-3", 6, 1));
        assertThrows(IllegalArgumentException.class, () -> store.apply(mixed));
        List<Row> backwards = List.of(SyncMessageCodecTest.rows("B-2", 5, 1).get(0),
                SyncMessageCodecTest.rows("B-2", 4, 1).get(0));
        assertThrows(IllegalArgumentException.class, () -> store.apply(backwards));
        assertEquals(3L, (long) store.highWaterMarks().get("B-2"));
        assertEquals(3, store.held("B-2"));
        store.failing("the disk is full");
        StoreException e = assertThrows(StoreException.class, () -> store.apply(SyncMessageCodecTest.rows("B-2", 4, 2)));
        assertEquals("the disk is full", e.getMessage());
        store.failing(null);
        assertEquals(3, store.held("B-2"));
    }

    @Test
    public void rowsAfterSkipsWhatWasPurgedAndKeepsTheMark() throws Exception {
        store.writeLocal(100);
        store.purge("A-1", 40);
        assertEquals(41, store.lowestHeld("A-1"));
        assertEquals(100L, (long) store.highWaterMarks().get("A-1"));
        List<Row> r = store.rowsAfter("A-1", 10, 5);
        assertEquals(5, r.size());
        assertEquals(41, r.get(0).seq());
        assertEquals(45, r.get(4).seq());
        assertTrue(store.rowsAfter("A-1", 100, 5).isEmpty());
    }

    @Test
    public void aGapMovesTheMarkPastIt() throws Exception {
        store.apply(SyncMessageCodecTest.rows("B-2", 1, 3));
        store.recordGap(new Gap("B-2", 4, 20, -1, -1, "purged on B", 1));
        assertEquals(20L, (long) store.highWaterMarks().get("B-2"));
        assertEquals(1, store.apply(SyncMessageCodecTest.rows("B-2", 21, 1)));
        assertEquals("purged on B", store.gaps(10).get(0).reason());
        assertThrows(IllegalArgumentException.class,
                () -> store.recordGap(new Gap("B-2", 30, 40, -1, -1, "leaves 22..29 unaccounted", 1)));
    }
}
