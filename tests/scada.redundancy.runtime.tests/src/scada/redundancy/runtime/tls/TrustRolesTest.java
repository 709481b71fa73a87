package scada.redundancy.runtime.tls;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import scada.redundancy.runtime.tls.TrustStore.Approvals;
import scada.redundancy.runtime.tls.TrustStore.As;

/** The roles kept in the approved fingerprints file, and the old lines without one. */
public class TrustRolesTest {
    private static final String F1 = "11".repeat(32);
    private static final String F2 = "22".repeat(32);
    private static final String F3 = "33".repeat(32);
    private static final String F4 = "44".repeat(32);

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void eachRoleGrantsWhatItSays() throws Exception {
        TrustStore trust = new TrustStore(temp.getRoot().toPath());
        trust.approve(F1, As.MONITOR, null, "a studio");
        trust.approve(F2, As.OPERATOR, null, "the control room");
        trust.approve(F3, As.PARTNER, "SCADA B #2", "the other server");
        Approvals a = trust.approvals();
        assertTrue(a.monitor(F1));
        assertFalse(a.operator(F1));
        assertFalse(a.anyPartner(F1));
        assertTrue("operator implies monitor", a.monitor(F2) && a.operator(F2));
        assertFalse(a.partner(F2, "SCADA B #2"));
        assertTrue("a Symbol with a blank and # survives the file", a.partner(F3, "SCADA B #2"));
        assertTrue("Symbols compare as Symbols do", a.partner(F3, " scada b #2"));
        assertFalse("a partner is that partner only", a.partner(F3, "SCADA-C"));
        assertFalse(a.monitor(F3));
        assertEquals(0, a.withoutRole());
        assertEquals("partner \"SCADA B #2\"", a.describe(F3));
        assertEquals("nothing", a.describe(F4));
    }

    @Test
    public void anOldLineWithoutARoleKeepsWorkingUntilApprovedAgain() throws Exception {
        Path dir = temp.getRoot().toPath();
        Files.writeString(dir.resolve(TrustStore.FILE), F1 + "  # approved before roles existed\n" + F2 + "\n");
        TrustStore trust = new TrustStore(dir);
        Approvals old = trust.approvals();
        assertTrue(old.monitor(F1) && old.operator(F1) && old.partner(F1, "SCADA-X") && old.anyPartner(F1));
        assertEquals(2, old.withoutRole());

        String said = trust.approve(F1, As.MONITOR, null, "a studio");
        assertTrue(said, said.contains("its old approval without a role is replaced"));
        Approvals now = trust.approvals();
        assertTrue(now.monitor(F1));
        assertFalse("the old line no longer grants everything", now.operator(F1) || now.anyPartner(F1));
        assertEquals(1, now.withoutRole());
        assertTrue(Files.readString(dir.resolve(TrustStore.FILE)).contains("# replaced by the next approval: " + F1));
    }

    @Test
    public void approvalsAreCheckedAndIdempotent() throws Exception {
        TrustStore trust = new TrustStore(temp.getRoot().toPath());
        for (Runnable bad : List.<Runnable>of(() -> approve(trust, F1, As.PARTNER, null),
                () -> approve(trust, F1, As.PARTNER, "  "), () -> approve(trust, F1, As.MONITOR, "SCADA-B"),
                () -> approve(trust, "abc", As.MONITOR, null), () -> approve(trust, F1, null, null))) {
            try {
                bad.run();
                fail("accepted");
            } catch (IllegalArgumentException expected) {
                // the message is the command's error
            }
        }
        trust.approve(F1, As.PARTNER, "SCADA-B", null);
        assertTrue(trust.approve(F1, As.PARTNER, "scada-b", null).startsWith("already approved"));
        assertEquals(1, Files.readAllLines(temp.getRoot().toPath().resolve(TrustStore.FILE)).size());
    }

    @Test
    public void aLineThisVersionCannotReadApprovesNothing() {
        assertNull(TrustStore.parse(F1 + " as=auditor"));
        assertNull(TrustStore.parse(F1 + " as=partner"));
        assertNull(TrustStore.parse(F1 + " symbol=SCADA-B"));
        assertNull(TrustStore.parse(F1 + " as=monitor extra"));
        assertEquals(new TrustStore.Approval(F1, As.PARTNER, "A%B"), TrustStore.parse(F1 + " as=partner symbol=A%25B # x"));
    }

    private static void approve(TrustStore trust, String f, As as, String symbol) {
        try {
            trust.approve(f, as, symbol, null);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
