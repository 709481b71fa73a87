package scada.redundancy.model.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.fail;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.Test;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.ServerView;
import scada.redundancy.model.ServerViews;

/** Deploy by export: one configuration for three servers gives three consistent views. */
public class ServerViewsTest {
    private static final String FP_A = "a".repeat(64);
    private static final String FP_B = "b".repeat(64);
    private static final String FP_C = "c".repeat(64);
    private static final Map<String, String> ADDRESS = Map.of("SCADA-A", "192.168.1.10", "SCADA-B", "192.168.1.11",
            "SCADA-C", "192.168.1.12");
    private static final Map<String, String> CERTIFICATE = Map.of("SCADA-A", FP_A, "SCADA-B", FP_B, "SCADA-C", FP_C);

    /** SCADA-A's configuration as edited in the studio: B with 1000/3000/3, C with 500/2000/5. */
    private static RedundancyConfiguration edited() {
        return new RedundancyConfiguration(
                new LocalServer("SCADA-A", 8100, true, true, "jdbc:h2:./history", "control room", Failback.AUTOMATIC, 2500),
                List.of(new Partner(4, "SCADA-B", "192.168.1.11", 8100, 1000, 3000, 3, true, "hall 2", FP_B),
                        new Partner(7, "SCADA-C", "192.168.1.12", 8100, 500, 2000, 5, true, "hall 3", FP_C)));
    }

    @Test
    public void threeServersGiveThreeViewsThatEachValidateAndListTheOtherTwo() throws Exception {
        List<ServerView> views = ServerViews.of(edited(), "192.168.1.10", FP_A);
        assertEquals(List.of("SCADA-A", "SCADA-B", "SCADA-C"), views.stream().map(ServerView::symbol).toList());
        for (ServerView v : views) {
            assertFalse(v.symbol() + ": " + v.report().problems(), v.report().hasErrors());
            assertEquals(v.symbol(), v.configuration().thisScada().symbol());
            assertEquals(ADDRESS.get(v.symbol()), v.address());
            Set<String> others = new java.util.HashSet<>(ADDRESS.keySet());
            others.remove(v.symbol());
            assertEquals(others, Set.copyOf(v.partnerSymbols()));
            assertEquals(8100, v.configuration().thisScada().port());
            for (Partner p : v.configuration().partners()) {
                assertEquals("ports kept equal", 8100, p.port());
                assertEquals("each partner at its own address", ADDRESS.get(p.symbol()), p.ipAddress());
                assertEquals("each partner's certificate pinned", CERTIFICATE.get(p.symbol()), p.certificateSha256());
            }
            assertEquals(List.of(), v.unpinnedPartners());
            // the set's policy on every server
            LocalServer own = v.configuration().thisScada();
            assertTrue(own.enableDbSync());
            assertEquals("jdbc:h2:./history", own.database());
            assertEquals(Failback.AUTOMATIC, own.failback());
            assertEquals(2500, own.startupAllowanceMs());
            // a view is a file the server can read back unchanged
            assertEquals(v.configuration(), ConfigurationFile.parse(ConfigurationFile.toBytes(v.configuration()), "view")
                    .configuration());
        }
        ServerView b = views.get(1);
        assertEquals("the edited This SCADA becomes a partner with its own comment", "control room",
                row(b, "SCADA-A").comment());
        assertEquals("a server's own comment is its row's", "hall 2", b.configuration().thisScada().comment());
    }

    @Test
    public void bothSidesOfEveryPairHoldTheSamePeriodTimeoutAndRetryCount() {
        List<ServerView> views = ServerViews.of(edited(), "192.168.1.10", FP_A);
        for (ServerView v : views) {
            for (Partner p : v.configuration().partners()) {
                Partner back = row(ServerViews.find(views, p.symbol()).orElseThrow(), v.symbol());
                assertEquals(v.symbol() + "-" + p.symbol(), List.of(p.periodMs(), p.timeoutMs(), p.retryCount()),
                        List.of(back.periodMs(), back.timeoutMs(), back.retryCount()));
            }
        }
        assertEquals("a pair with This SCADA: the partner's row", 1000, row(views.get(0), "SCADA-B").periodMs());
        assertEquals("a pair with This SCADA: the partner's row", 5, row(views.get(2), "SCADA-A").retryCount());
        assertEquals("a pair of two partners: the row with the smaller Timeout", 2000,
                row(views.get(1), "SCADA-C").timeoutMs());
    }

    @Test
    public void anInactivePartnerRowIsInactiveOnBothSidesOfItsPairs() {
        RedundancyConfiguration c = edited().withPartner(1, edited().partners().get(1).withActivate(false));
        List<ServerView> views = ServerViews.of(c, "192.168.1.10", FP_A);
        assertFalse(row(views.get(0), "SCADA-C").activate());
        assertFalse(row(views.get(2), "SCADA-A").activate());
        assertFalse(row(views.get(1), "SCADA-C").activate());
        assertTrue(row(views.get(1), "SCADA-A").activate());
    }

    @Test
    public void withoutThisScadasCertificateTheOthersDoNotPinItAndSaySo() {
        List<ServerView> views = ServerViews.of(edited(), "192.168.1.10", "");
        assertEquals(List.of(), views.get(0).unpinnedPartners());
        assertEquals(List.of("SCADA-A"), views.get(1).unpinnedPartners());
        assertFalse(views.get(1).report().hasErrors());
    }

    @Test
    public void withoutThisScadasAddressThereAreNoViewsAndTheMessageSaysWhatToGive() {
        assertTrue(refusal(" ").contains("--address SCADA-A=ADDR"));
        assertTrue(refusal("scada-a.plant").contains("\"scada-a.plant\" is not an IP address for SCADA-A"));
    }

    @Test
    public void aViewThatBreaksARuleReportsItAgainstThatServer() {
        // SCADA-C's row names SCADA-A's address: in SCADA-C's own view, and in B's, two servers share one endpoint
        RedundancyConfiguration c = edited().withPartner(1, edited().partners().get(1).withIpAddress("192.168.1.11"));
        List<ServerView> views = ServerViews.of(c, "192.168.1.10", FP_A);
        assertTrue(views.get(0).report().hasErrors());
        assertTrue("SCADA-C's view names its own address for SCADA-B: " + views.get(2).report().problems(),
                views.get(2).report().hasErrors());
    }

    private static String refusal(String thisAddress) {
        try {
            ServerViews.of(edited(), thisAddress, FP_A);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        fail("views without an address for This SCADA");
        return null;
    }

    private static Partner row(ServerView v, String symbol) {
        return v.configuration().partners().stream().filter(p -> p.symbol().equals(symbol)).findFirst().orElseThrow();
    }
}
