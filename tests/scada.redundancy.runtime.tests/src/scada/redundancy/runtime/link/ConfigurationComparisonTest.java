package scada.redundancy.runtime.link;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.Test;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.VerifyResult;
import scada.redundancy.runtime.link.LinkProtocol.ConfigView;

/** Verify: each kind of mismatch between two servers' configurations, named with both sides' values. */
public class ConfigurationComparisonTest {
    private static final String FP_A = "aa".repeat(32);
    private static final String FP_B = "bb".repeat(32);

    private static RedundancyConfiguration a() {
        return new RedundancyConfiguration(new LocalServer("SCADA-A", 8000, true, false, "", "", Failback.MANUAL, 3000),
                List.of(Partner.defaults(1, "SCADA-B", "10.0.0.2", 8000).withCertificateSha256(FP_B)));
    }

    private static RedundancyConfiguration b() {
        return new RedundancyConfiguration(new LocalServer("SCADA-B", 8000, true, false, "", "", Failback.MANUAL, 3000),
                List.of(Partner.defaults(1, "SCADA-A", "10.0.0.1", 8000).withCertificateSha256(FP_A)));
    }

    private static ConfigView view(RedundancyConfiguration c, String address, String project, String fingerprint) {
        return new ConfigView(c.thisScada().symbol(), address, c.thisScada().port(),
                new String(ConfigurationFile.toBytes(c), StandardCharsets.UTF_8), Fingerprints.ofSet(c, address), project,
                fingerprint);
    }

    private static VerifyResult verify(UnaryOperator<RedundancyConfiguration> changeA, UnaryOperator<RedundancyConfiguration> changeB,
            String projectA, String projectB, String addressB) {
        RedundancyConfiguration mine = changeA.apply(a());
        RedundancyConfiguration theirs = changeB.apply(b());
        return ConfigurationComparison.compare(view(mine, "10.0.0.1", projectA, FP_A), mine, mine.partners().get(0),
                view(theirs, addressB, projectB, FP_B));
    }

    private static VerifyResult verify(UnaryOperator<RedundancyConfiguration> changeA, UnaryOperator<RedundancyConfiguration> changeB) {
        return verify(changeA, changeB, "p1", "p1", "10.0.0.2");
    }

    private static void differs(VerifyResult r, String expected) {
        assertFalse(r.verified());
        assertTrue(r.differences().toString(), r.differences().stream().anyMatch(d -> d.contains(expected)));
    }

    private static UnaryOperator<RedundancyConfiguration> row(UnaryOperator<Partner> change) {
        return c -> c.withPartner(0, change.apply(c.partners().get(0)));
    }

    @Test
    public void matchingConfigurationsAreVerified() {
        VerifyResult r = verify(c -> c, c -> c);
        assertTrue(r.differences().toString(), r.verified());
        assertEquals(List.of(), r.differences());
    }

    @Test
    public void portsMustMatch() {
        differs(verify(c -> c, c -> c.withThisScada(c.thisScada().withPort(8001)).withPartner(0, c.partners().get(0).withPort(8001))),
                "port mismatch: SCADA-A uses 8000, SCADA-B uses 8001");
    }

    @Test
    public void eachMustListTheOther() {
        differs(verify(c -> c, c -> c.withPartner(0, c.partners().get(0).withSymbol("SCADA-X"))),
                "SCADA-B does not list SCADA-A among its partners");
        differs(verify(c -> c, row(p -> p.withActivate(false))), "SCADA-B has its row for SCADA-A switched off");
    }

    @Test
    public void addressesMustMatchWhatEachSideExpects() {
        differs(verify(c -> c, row(p -> p.withIpAddress("10.0.0.9"))), "SCADA-B expects SCADA-A at 10.0.0.9, but it runs at 10.0.0.1");
        differs(verify(c -> c, c -> c, "p1", "p1", "10.0.0.7"), "SCADA-A expects SCADA-B at 10.0.0.2, but it runs at 10.0.0.7");
    }

    @Test
    public void timingsMustBeConsistent() {
        differs(verify(c -> c, row(p -> p.withPeriodMs(500).withTimeoutMs(1500))), "Period (ms) differs: 1000 on SCADA-A's row for SCADA-B, 500");
        differs(verify(c -> c, row(p -> p.withTimeoutMs(4000))), "Timeout (ms) differs: 3000");
        differs(verify(row(p -> p.withRetryCount(5)), c -> c), "Retry Count differs: 5");
    }

    @Test
    public void dbSyncMustBeConfiguredAlike() {
        differs(verify(c -> c.withThisScada(c.thisScada().withEnableDbSync(true).withDatabase("history")), c -> c),
                "Enable DB Sync is on on SCADA-A but off on SCADA-B");
        differs(verify(c -> c.withThisScada(c.thisScada().withEnableDbSync(true).withDatabase("h1")),
                c -> c.withThisScada(c.thisScada().withEnableDbSync(true).withDatabase("h2"))), "the Database differs");
    }

    @Test
    public void onlyOneServerMayHaveAutomaticFailback() {
        UnaryOperator<RedundancyConfiguration> auto = c -> c.withThisScada(c.thisScada().withFailback(Failback.AUTOMATIC));
        differs(verify(auto, auto), "are set to automatic fail-back");
        assertTrue(verify(auto, c -> c).verified());
    }

    @Test
    public void theProjectsMustBeIdentical() {
        differs(verify(c -> c, c -> c, "a1b2c3d4e5f6a7b8", "ffffffffffffffff", "10.0.0.2"), "the SCADA projects differ");
    }

    @Test
    public void pinnedCertificatesMustBeTheRealOnes() {
        differs(verify(row(p -> p.withCertificateSha256("cc".repeat(32))), c -> c), "SCADA-A pins a certificate for SCADA-B that is not");
        differs(verify(c -> c, row(p -> p.withCertificateSha256("cc".repeat(32)))), "SCADA-B pins a certificate for SCADA-A that is not");
    }

    @Test
    public void thePartnersOwnErrorsAreReported() {
        differs(verify(c -> c, row(p -> p.withTimeoutMs(1500))), "SCADA-B's configuration has an error: partners[0].timeoutMs");
    }

    @Test
    public void theSymbolAtTheAddressMustBeTheOneListed() {
        differs(verify(c -> c, c -> c.withThisScada(c.thisScada().withSymbol("SCADA-Q"))), "calls itself \"SCADA-Q\"");
    }
}
