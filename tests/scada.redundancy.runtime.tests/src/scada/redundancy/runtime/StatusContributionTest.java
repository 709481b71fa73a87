package scada.redundancy.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;

import scada.redundancy.runtime.StatusContribution.Snapshot;

/**
 * What a contribution may show: one line, at most {@link StatusContribution#MAX_TEXT} characters
 * per value, a few notes, and nothing a contributor's mistake can turn into a broken status.
 */
public class StatusContributionTest {

    @Test
    public void hugeTextIsCutToOneBoundedLine() {
        String huge = "x".repeat(1_000_000);
        Snapshot s = Snapshot.builder().database(huge).partnerDatabase("SCADA-A", huge).note(huge).build();
        assertEquals(StatusContribution.MAX_TEXT, s.database().length());
        assertTrue(s.database(), s.database().endsWith("…"));
        assertEquals(StatusContribution.MAX_TEXT, s.partnerDatabase("SCADA-A").orElseThrow().length());
        assertEquals(StatusContribution.MAX_TEXT, s.notes().get(0).length());
        assertEquals("no line breaks or other control characters", "in sync  lag 2 s",
                StatusContribution.bounded("in sync\r\nlag 2 s\u0000"));
    }

    @Test
    public void aCutNeverSplitsACharacter() {
        String text = "a".repeat(StatusContribution.MAX_TEXT - 2) + "\uD83D\uDE00".repeat(10); // emoji at the cut
        String cut = StatusContribution.bounded(text);
        assertTrue(cut.length() <= StatusContribution.MAX_TEXT);
        assertFalse("no lone high surrogate before the ellipsis: " + cut,
                Character.isHighSurrogate(cut.charAt(cut.length() - 2)));
    }

    @Test
    public void notesAndPartnersAreBounded() {
        Snapshot.Builder b = Snapshot.builder();
        Map<String, String> partners = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            b.note("note " + i);
            partners.put("SCADA-" + i, "in sync");
        }
        partners.put("SCADA-EMPTY", "  ");
        assertEquals(StatusContribution.MAX_NOTES, b.build().notes().size());
        assertEquals(List.of("note 0", "note 1", "note 2", "note 3", "note 4"), b.build().notes());
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < StatusContribution.MAX_PARTNERS + 5; i++) {
            many.put("P" + i, "in sync");
        }
        assertEquals(StatusContribution.MAX_PARTNERS, new Snapshot("", many, List.of(), java.util.Set.of(), List.of()).partnerDatabases().size());
        Snapshot s = new Snapshot("", partners, List.of(), java.util.Set.of(), List.of());
        assertTrue("a blank value says nothing", s.partnerDatabase("SCADA-EMPTY").isEmpty());
    }

    @Test
    public void clientNamesAreBoundedButAllCount() {
        Snapshot.Builder b = Snapshot.builder();
        for (int i = 0; i < StatusContribution.MAX_CLIENTS + 30; i++) {
            b.client("hmi-" + i + " (10.0.0." + i + ")\n");
        }
        b.client("   ");
        Snapshot s = b.build();
        assertEquals(StatusContribution.MAX_CLIENTS, s.clients().size());
        assertEquals("one line each", "hmi-0 (10.0.0.0)", s.clients().get(0));
        assertEquals("every named client counts, a blank name does not", StatusContribution.MAX_CLIENTS + 30, s.clientCount());
        assertEquals("a count above the names given stands", 500, Snapshot.builder().client("hmi-1").clientCount(500).build().clientCount());
        assertEquals("never below the names given", 1, Snapshot.builder().client("hmi-1").clientCount(-3).build().clientCount());
        assertEquals("the older shape has no clients", 0,
                new Snapshot("", Map.of(), List.of(), java.util.Set.of(), List.of()).clientCount());
    }

    @Test
    public void partnersAreFoundByTheirSymbolWithoutCase() {
        Snapshot s = Snapshot.builder().partnerDatabase(" scada-a ", "behind 2 s").build();
        assertEquals("behind 2 s", s.partnerDatabase("SCADA-A").orElseThrow());
        assertTrue(s.partnerDatabase("SCADA-B").isEmpty());
    }

    @Test
    public void aMistakeFailsThePublisherAndKeepsWhatWasShown() {
        StatusContribution c = new StatusContribution("db-sync");
        assertSame(Snapshot.NOTHING, c.snapshot());
        Snapshot first = Snapshot.builder().database("in sync").build();
        c.publish(first);
        assertThrows(NullPointerException.class, () -> c.publish(null));
        assertThrows(NullPointerException.class, () -> Snapshot.builder().database(null));
        assertThrows(NullPointerException.class, () -> new Snapshot("ok", Map.of(), java.util.Arrays.asList("a", null), java.util.Set.of(), List.of()));
        assertSame(first, c.snapshot());
    }

    @Test
    public void theSourceIsOneShortLine() {
        assertThrows(IllegalArgumentException.class, () -> new StatusContribution(" "));
        assertThrows(IllegalArgumentException.class, () -> new StatusContribution("db\nsync"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StatusContribution("s".repeat(10_000)));
        assertTrue("the message is bounded too: " + e.getMessage().length(), e.getMessage().length() < 400);
    }

    @Test
    public void watchersHearEveryPublishUntilTheyStop() {
        StatusContribution c = new StatusContribution("licence");
        AtomicInteger heard = new AtomicInteger();
        Runnable w = heard::incrementAndGet;
        c.watch(w);
        c.publish(Snapshot.builder().note("valid until 2027-01-01").build());
        c.unwatch(w);
        c.publish(Snapshot.NOTHING);
        assertEquals(1, heard.get());
    }
}
