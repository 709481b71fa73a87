package scada.redundancy.dbsync.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;

import scada.redundancy.dbsync.internal.SyncStatus.PartnerSyncStatus;
import scada.redundancy.dbsync.internal.SyncStatus.State;

/** The partner's Database column and the status notes say what the numbers mean. */
public class SyncStatusTest {
    private static PartnerSyncStatus partner(State state, long backlog, long behind, int percent, long eta,
            String problem) {
        return new PartnerSyncStatus("SCADA-B", state, true, 1, "B-1", backlog, behind, 0.4, percent, eta, problem);
    }

    @Test
    public void eachStateHasItsColumnText() {
        assertEquals("in sync (lag 12 rows, 0.4 s)", partner(State.IN_SYNC, 10, 2, 100, -1, "").text());
        assertEquals("catching up 42% (1,200,000 rows to send, 0 to receive, about 35 s left)",
                partner(State.CATCHING_UP, 1_200_000, 0, 42, 35, "").text());
        assertEquals("catching up 3% (5,000 rows to send, 7 to receive)",
                partner(State.CATCHING_UP, 5000, 7, 3, -1, "").text());
        assertEquals("not connected (2,500 rows to send)", partner(State.NOT_CONNECTED, 2500, 0, 100, -1, "").text());
        assertEquals("error: the partner's store: disk full",
                partner(State.ERROR, 0, 0, 100, -1, "the partner's store: disk full").text());
        assertEquals("DB sync off on the partner", partner(State.OFF_ON_PARTNER, 0, 0, 100, -1, "").text());
    }

    @Test
    public void notesNameTheGapsTheWaitAndTheTimeouts() {
        Gap gap = new Gap("A-1", 1, 600, -1, -1, "rows 1..600 of origin A-1 are held by no connected partner", 1);
        SyncStatus s = new SyncStatus("B-1", 1, true, "", List.of(), List.of(gap), List.of("rows 5..9 wait"), 3, 0, 0, 0);
        List<String> notes = s.notes();
        assertEquals(3, notes.size());
        assertTrue(notes.get(0), notes.get(0).startsWith("DB sync: 1 gap in the history that can no longer be filled"));
        assertTrue(notes.get(1), notes.get(1).endsWith("rows 5..9 wait"));
        assertTrue(notes.get(2), notes.get(2).startsWith("DB sync: 3 synchronous writes were not confirmed"));
        assertTrue(new SyncStatus("B-1", 1, true, "", List.of(), List.of(), List.of(), 0, 0, 0, 0).notes().isEmpty());
    }
}
