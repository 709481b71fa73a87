package scada.redundancy.runtime.server.internal;

import scada.redundancy.runtime.link.LinkProtocol;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Random;

import org.junit.Test;

import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.link.LinkProtocol.Hello;
import scada.redundancy.runtime.link.Heartbeat;
import scada.redundancy.runtime.link.ProtocolException;

/**
 * The rules both sides of a link must evaluate identically, and the wire formats of protocol 2
 * and 3: the same-term rule, version negotiation (a server one version newer joins a running
 * set), heartbeats in both formats with roles by explicit code, implausible terms refused.
 */
public class WireAndRulesTest {

    /** Why 5: two primaries of one term — exactly one of them stays, whichever side decides. */
    @Test
    public void theSameTermRuleKeepsExactlyOneOfAnyTwoSymbols() {
        Random r = new Random(7);
        List<String> fixed = List.of("SCADA-A", "scada-a", "SCADA-B", "Leitstelle Süd", "Ä", "a", "A", "b");
        for (String a : fixed) {
            for (String b : fixed) {
                if (!a.equals(b)) {
                    assertOneStays(a, b);
                }
            }
        }
        for (int i = 0; i < 10_000; i++) {
            String a = randomSymbol(r);
            String b = randomSymbol(r);
            if (!a.equals(b)) {
                assertOneStays(a, b);
            }
        }
    }

    private static void assertOneStays(String a, String b) {
        boolean aStepsDown = Election.ranksBefore(100, 0, b, 100, 0, a); // what a decides on hearing b
        boolean bStepsDown = Election.ranksBefore(100, 0, a, 100, 0, b); // what b decides on hearing a
        assertNotEquals(a + " / " + b + ": exactly one steps down", aStepsDown, bStepsDown);
    }

    private static String randomSymbol(Random r) {
        StringBuilder s = new StringBuilder();
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
            s.append("aAbBzZ-9äÄ".charAt(r.nextInt(10)));
        }
        return s.toString();
    }

    @Test
    public void aServerOneVersionNewerSpeaksTheOlderProtocolWithAnOldPeer() {
        Hello v2 = hello(2, 0); // a version-2 server knows no protocolMax
        Hello v3 = hello(LinkProtocol.OLDEST_VERSION, 3);
        Hello v4 = hello(3, 4); // a newer server that dropped protocol 2
        Hello v9 = hello(9, 9);
        assertEquals(2, LinkProtocol.negotiate(v2));
        assertEquals(3, LinkProtocol.negotiate(v3));
        assertEquals(3, LinkProtocol.negotiate(v4));
        assertEquals(-1, LinkProtocol.negotiate(v9));
        assertTrue(LinkProtocol.versionMismatch(v9).contains("update one of them"));
    }

    @Test
    public void heartbeatsRoundTripInBothFormatsWithRolesByCode() throws Exception {
        for (Role role : Role.values()) {
            Heartbeat hb = new Heartbeat(role, 42, 7, 80, 1234, 41, 99, 98, 3, true);
            Heartbeat v3 = Heartbeat.decode(hb.encode(3));
            assertEquals(hb, v3);
            Heartbeat v2 = Heartbeat.decode(hb.encode(2));
            assertEquals(role, v2.role());
            assertFalse("format 2 has no sight of a primary", v2.seesPrimary());
            assertEquals(Heartbeat.BYTES_V2, hb.encode(2).length);
            assertEquals(Heartbeat.BYTES_V3, hb.encode(3).length);
        }
        // explicit codes: PRIMARY is 1 on the wire in format 3, whatever the enum's order
        assertEquals(1, new Heartbeat(Role.PRIMARY, 1, 1, 100, 0, 0, 0, 0, 0, false).encode(3)[1]);
    }

    @Test
    public void brokenOrImplausibleHeartbeatsAreRefusedWithTheirReason() {
        byte[] good = new Heartbeat(Role.BACKUP, 5, 1, 100, 0, 0, 0, 0, 0, false).encode(3);
        byte[] badRole = good.clone();
        badRole[1] = 9;
        refused(badRole, "unknown role code 9");
        byte[] badFlags = good.clone();
        badFlags[good.length - 1] = 6;
        refused(badFlags, "unknown flags");
        byte[] huge = new Heartbeat(Role.BACKUP, Long.MAX_VALUE - 1, 1, 100, 0, 0, 0, 0, 0, false).encode(3);
        refused(huge, "term");
        byte[] wrongFormat = good.clone();
        wrongFormat[0] = 2; // says format 2 with the length of format 3
        refused(wrongFormat, "format 2");
        refused(new byte[10], "10 bytes");
    }

    private static void refused(byte[] payload, String reason) {
        try {
            Heartbeat.decode(payload);
            fail("accepted a broken heartbeat, expected: " + reason);
        } catch (ProtocolException e) {
            assertTrue(e.getMessage() + " should say " + reason, e.getMessage().contains(reason));
        }
    }

    @Test
    public void peerTextIsCutShortAndFreeOfControlCharacters() {
        String symbol = "X".repeat(1 << 20);
        String cut = LinkProtocol.peerName(symbol);
        assertTrue(cut.length() < 120);
        assertTrue(cut, cut.endsWith("(1048576 characters)"));
        assertEquals("a?b", LinkProtocol.peerName("a\nb"));
    }

    private static Hello hello(int protocol, int protocolMax) {
        return new Hello(protocol, "test", LinkProtocol.KIND_SERVER, "SCADA-T", "127.0.0.9", 1, 0, "backup", 100, "", "", 0, 0,
                protocolMax);
    }
}
