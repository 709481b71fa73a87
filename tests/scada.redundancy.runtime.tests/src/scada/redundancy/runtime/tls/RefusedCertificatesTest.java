package scada.redundancy.runtime.tls;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.junit.Test;

/** The list of refused strangers stays small and its text short however many strangers come. */
public class RefusedCertificatesTest {
    private long nanos;
    private final RefusedCertificates refused = new RefusedCertificates(RefusedCertificates.NEWEST_KEPT,
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), () -> nanos);

    private static String fingerprint(int i) {
        byte[] b = new byte[32];
        b[0] = (byte) (i >> 24);
        b[1] = (byte) (i >> 16);
        b[2] = (byte) (i >> 8);
        b[3] = (byte) i;
        return HexFormat.of().formatHex(b);
    }

    @Test
    public void twentyThousandStrangersCostTheSameAsEight() {
        int logged = 0;
        for (int i = 0; i < 20_000; i++) {
            nanos += 1_000_000; // one stranger a millisecond
            assertTrue(refused.add(fingerprint(i)));
            if (refused.logLine(fingerprint(i)) != null) {
                logged++;
            }
            assertTrue(refused.newest().size() <= RefusedCertificates.NEWEST_KEPT);
        }
        assertEquals("exact count", 20_000, refused.count());
        assertEquals(RefusedCertificates.NEWEST_KEPT, refused.newest().size());
        assertEquals("the newest first", fingerprint(19_999), refused.newest().get(0).fingerprint());
        assertEquals(fingerprint(19_992), refused.newest().get(7).fingerprint());
        String summary = refused.summary();
        assertTrue(summary.length() + " chars: " + summary, summary.length() < 1024);
        assertTrue(summary, summary.startsWith("20000 untrusted link certificates refused (newest: " + fingerprint(19_999) + ", "));
        assertTrue(summary, summary.endsWith("; approve one with: scada-redundancy trust --data DIR --as partner --symbol SYMBOL|monitor|operator FINGERPRINT"));
        assertEquals("20 s of strangers: one log line a second", 20, logged);
        String quiet = refused.quietSummary();
        assertTrue(quiet, quiet.startsWith("refused 19980 more untrusted link certificates without a log line each"));
        assertNull("told once", refused.quietSummary());
    }

    @Test
    public void aStrangerThatComesBackIsNotNewAndMovesToTheFront() {
        assertTrue(refused.add(fingerprint(1)));
        assertTrue(refused.add(fingerprint(2)));
        assertFalse(refused.add(fingerprint(1)));
        assertEquals(2, refused.count());
        assertEquals(List.of(fingerprint(1), fingerprint(2)),
                refused.newest().stream().map(RefusedCertificates.Refusal::fingerprint).toList());
        assertEquals("2 untrusted link certificates refused (" + fingerprint(1) + ", " + fingerprint(2)
                + "); approve one with: scada-redundancy trust --data DIR --as partner --symbol SYMBOL|monitor|operator FINGERPRINT", refused.summary());
        assertNotNull(refused.logLine(fingerprint(1)));
        assertNull("within a second of the last line", refused.logLine(fingerprint(2)));
        nanos += RefusedCertificates.LOG_INTERVAL_NANOS;
        assertTrue(refused.logLine(fingerprint(2)).contains("scada-redundancy trust --data DIR --as partner --symbol SYMBOL|monitor|operator " + fingerprint(2)));
    }

    @Test
    public void anApprovalClearsItsEntry() {
        assertEquals("", refused.summary());
        refused.add(fingerprint(1));
        refused.add(fingerprint(2));
        assertFalse(refused.approved(Set.of(fingerprint(3))));
        assertTrue(refused.approved(Set.of(fingerprint(1))));
        assertEquals(1, refused.count());
        assertEquals(fingerprint(2), refused.newest().get(0).fingerprint());
        assertTrue(refused.approved(Set.of(fingerprint(2))));
        assertEquals("", refused.summary());
        assertEquals(0, refused.count());
    }
}
