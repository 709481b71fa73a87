package scada.redundancy.model.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.junit.Test;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.Severity;
import scada.redundancy.model.ValidationContext;
import scada.redundancy.model.ValidationReport;

/** Every validation rule: at least one configuration that breaks it and one that keeps it. */
public class ValidationRulesTest {

    /** SCADA-A with SCADA-B at 192.168.1.11 and SCADA-C at fd00::12: valid, no warning. */
    static RedundancyConfiguration valid() {
        return new RedundancyConfiguration(LocalServer.defaults().withSymbol("SCADA-A"),
                List.of(Partner.defaults(1, "SCADA-B", "192.168.1.11", 8000), Partner.defaults(2, "SCADA-C", "fd00::12", 8000)));
    }

    static RedundancyConfiguration withPartner0(java.util.function.UnaryOperator<Partner> change) {
        RedundancyConfiguration c = valid();
        return c.withPartner(0, change.apply(c.partners().get(0)));
    }

    /** The single problem on {@code field} of row {@code row}; fails if there is none or several. */
    static Problem only(RedundancyConfiguration c, ConfigField field, int row) {
        return only(ConfigurationValidator.validate(c), field, row);
    }

    static Problem only(ValidationReport report, ConfigField field, int row) {
        List<Problem> found = report.at(field, row);
        assertEquals("problems on " + field + " row " + row + " in " + report.problems(), 1, found.size());
        Problem p = found.get(0);
        assertFalse("a message", p.message().isBlank());
        assertFalse("how to fix", p.howToFix().isBlank());
        return p;
    }

    static void none(RedundancyConfiguration c, ConfigField field, int row) {
        assertEquals(ConfigurationValidator.validate(c).problems().toString(), List.of(),
                ConfigurationValidator.validate(c).at(field, row));
    }

    static void fixRemoves(RedundancyConfiguration c, Problem p) {
        assertTrue("a quick fix for " + p, p.quickFix().isPresent());
        RedundancyConfiguration fixed = p.quickFix().get().applyTo(c);
        assertEquals("after " + p.quickFix().get().label() + ": " + ConfigurationValidator.validate(fixed).problems(),
                List.of(), ConfigurationValidator.validate(fixed).at(p.field(), p.partnerIndex()));
    }

    @Test
    public void theBaseConfigurationIsValidWithoutWarnings() {
        assertEquals(List.of(), ConfigurationValidator.validate(valid()).problems());
    }

    @Test
    public void defaultsWithANewPartnerAreValid() {
        RedundancyConfiguration c = RedundancyConfiguration.defaults();
        Partner p = c.newPartner().withIpAddress("10.0.0.2");
        c = c.withPartnerAdded(0, p);
        assertFalse(ConfigurationValidator.validate(c).problems().toString(), ConfigurationValidator.validate(c).hasErrors());
        assertEquals(1, p.no());
        assertEquals(8000, p.port());
        assertEquals(1000, p.periodMs());
        assertEquals(3000, p.timeoutMs());
        assertEquals(3, p.retryCount());
    }

    @Test
    public void newPartnerTakesTheNextNoAnUnusedSymbolAndTheLocalPort() {
        RedundancyConfiguration c = new RedundancyConfiguration(LocalServer.defaults().withPort(9100),
                List.of(Partner.defaults(4, "Partner 5", "10.0.0.2", 9100)));
        Partner p = c.newPartner();
        assertEquals(5, p.no());
        assertEquals("Partner 6", p.symbol());
        assertEquals(9100, p.port());
    }

    // ---- ports ----

    @Test
    public void localPortMustBeATcpPort() {
        for (int bad : new int[] { 0, -1, 65536, Integer.MIN_VALUE }) {
            RedundancyConfiguration c = valid().withThisScada(valid().thisScada().withPort(bad));
            Problem p = only(c, ConfigField.THIS_PORT, -1);
            assertEquals(Severity.ERROR, p.severity());
            assertTrue(p.message(), p.message().contains(String.valueOf(bad)));
        }
        for (int good : new int[] { 1, 8000, 65535 }) {
            RedundancyConfiguration c = valid().withThisScada(valid().thisScada().withPort(good));
            none(c, ConfigField.THIS_PORT, -1);
        }
    }

    @Test
    public void partnerPortMustBeATcpPort() {
        Problem p = only(withPartner0(x -> x.withPort(70000)), ConfigField.PARTNER_PORT, 0);
        assertEquals(Severity.ERROR, p.severity());
        fixRemoves(withPartner0(x -> x.withPort(70000)), p);
    }

    @Test
    public void partnerPortMustEqualTheLocalPortWithAQuickFix() {
        RedundancyConfiguration c = withPartner0(x -> x.withPort(8001));
        Problem p = only(c, ConfigField.PARTNER_PORT, 0);
        assertEquals(Severity.ERROR, p.severity());
        assertTrue(p.message(), p.message().contains("8001") && p.message().contains("8000"));
        assertEquals("Use the local port (8000)", p.quickFix().get().label());
        fixRemoves(c, p);
        none(valid(), ConfigField.PARTNER_PORT, 0);
    }

    // ---- IP addresses ----

    @Test
    public void ipAddressesMayBeIpv4OrIpv6Literals() {
        for (String good : new String[] { "192.168.1.11", "10.0.0.1", "fd00::11", "::1", "fe80::1%eth0", "2001:db8::8:800:200c:417a" }) {
            none(withPartner0(x -> x.withIpAddress(good)), ConfigField.PARTNER_IP_ADDRESS, 0);
        }
    }

    @Test
    public void anythingElseIsNotAnIpAddress() {
        for (String bad : new String[] { "192.168.1.256", "192.168.001.011", "1.2.3", "1.2.3.4.5", "abc", "scada-b.local",
                "localhost", "::g", "1.2.3.4:8000", " " }) {
            Problem p = only(withPartner0(x -> x.withIpAddress(bad)), ConfigField.PARTNER_IP_ADDRESS, 0);
            assertEquals(bad, Severity.ERROR, p.severity());
            assertTrue(p.howToFix(), p.howToFix().contains("host names are not accepted"));
        }
    }

    @Test
    public void anEmptyIpAddressIsAnError() {
        Problem p = only(withPartner0(x -> x.withIpAddress("")), ConfigField.PARTNER_IP_ADDRESS, 0);
        assertTrue(p.message(), p.message().contains("empty"));
    }

    @Test
    public void wildcardBroadcastAndMulticastAddressesAreNotAServer() {
        for (String bad : new String[] { "0.0.0.0", "::", "255.255.255.255", "224.0.0.1", "ff02::1" }) {
            Problem p = only(withPartner0(x -> x.withIpAddress(bad)), ConfigField.PARTNER_IP_ADDRESS, 0);
            assertTrue(bad + ": " + p.message(), p.message().contains("not the address of one server"));
        }
    }

    @Test
    public void aPartnerAtThisServersOwnAddressIsAnErrorOnlyWhenTheAddressIsKnown() throws Exception {
        RedundancyConfiguration c = withPartner0(x -> x.withIpAddress("127.0.0.1"));
        assertEquals(List.of(), ConfigurationValidator.validate(c).at(ConfigField.PARTNER_IP_ADDRESS, 0));
        ValidationReport bound = ConfigurationValidator.validate(c, ValidationContext.boundTo(InetAddress.getByName("127.0.0.1")));
        Problem p = only(bound, ConfigField.PARTNER_IP_ADDRESS, 0);
        assertTrue(p.message(), p.message().contains("this server itself"));
        ValidationReport other = ConfigurationValidator.validate(c, ValidationContext.boundTo(InetAddress.getByName("127.0.0.2")));
        assertEquals(List.of(), other.at(ConfigField.PARTNER_IP_ADDRESS, 0));
    }

    @Test
    public void noTwoPartnersAtTheSameAddressAndPortEvenWrittenDifferently() {
        RedundancyConfiguration c = valid().withPartner(1, valid().partners().get(1).withIpAddress("192.168.1.11"));
        Problem p = only(c, ConfigField.PARTNER_IP_ADDRESS, 1);
        assertTrue(p.message(), p.message().contains("partner row 1"));
        RedundancyConfiguration v6 = new RedundancyConfiguration(valid().thisScada(),
                List.of(Partner.defaults(1, "B", "::1", 8000), Partner.defaults(2, "C", "0:0:0:0:0:0:0:1", 8000)));
        only(v6, ConfigField.PARTNER_IP_ADDRESS, 1);
    }

    // ---- timing ----

    @Test
    public void periodMustBePositive() {
        for (int bad : new int[] { 0, -5 }) {
            RedundancyConfiguration c = withPartner0(x -> x.withPeriodMs(bad));
            Problem p = only(c, ConfigField.PARTNER_PERIOD, 0);
            assertEquals(Severity.ERROR, p.severity());
            fixRemoves(c, p);
        }
        none(withPartner0(x -> x.withPeriodMs(1).withTimeoutMs(3)), ConfigField.PARTNER_PERIOD, 0);
    }

    @Test
    public void timeoutBelowTwicePeriodIsAnError() {
        RedundancyConfiguration c = withPartner0(x -> x.withPeriodMs(1000).withTimeoutMs(1999));
        Problem p = only(c, ConfigField.PARTNER_TIMEOUT, 0);
        assertEquals(Severity.ERROR, p.severity());
        assertEquals("Set Timeout to 3000 ms (3 x Period)", p.quickFix().get().label());
        fixRemoves(c, p);
    }

    @Test
    public void timeoutBelowThreeTimesPeriodIsAWarning() {
        for (int t : new int[] { 2000, 2999 }) {
            RedundancyConfiguration c = withPartner0(x -> x.withPeriodMs(1000).withTimeoutMs(t));
            Problem p = only(c, ConfigField.PARTNER_TIMEOUT, 0);
            assertEquals(Severity.WARNING, p.severity());
            assertFalse(ConfigurationValidator.validate(c).hasErrors());
            fixRemoves(c, p);
        }
        none(withPartner0(x -> x.withPeriodMs(1000).withTimeoutMs(3000)), ConfigField.PARTNER_TIMEOUT, 0);
        none(withPartner0(x -> x.withPeriodMs(100).withTimeoutMs(300)), ConfigField.PARTNER_TIMEOUT, 0);
    }

    @Test
    public void hugePeriodsDoNotOverflowIntoAWrongVerdict() {
        RedundancyConfiguration c = withPartner0(x -> x.withPeriodMs(Integer.MAX_VALUE).withTimeoutMs(Integer.MAX_VALUE));
        Problem p = only(c, ConfigField.PARTNER_TIMEOUT, 0);
        assertEquals(Severity.ERROR, p.severity());
        assertTrue("no quick fix that cannot be represented", p.quickFix().isEmpty());
        RedundancyConfiguration big = withPartner0(x -> x.withPeriodMs(800_000_000).withTimeoutMs(Integer.MAX_VALUE));
        assertEquals(Severity.WARNING, only(big, ConfigField.PARTNER_TIMEOUT, 0).severity());
    }

    @Test
    public void retryCountMustNotBeNegative() {
        RedundancyConfiguration c = withPartner0(x -> x.withRetryCount(-1));
        Problem p = only(c, ConfigField.PARTNER_RETRY_COUNT, 0);
        fixRemoves(c, p);
        none(withPartner0(x -> x.withRetryCount(0)), ConfigField.PARTNER_RETRY_COUNT, 0);
    }

    // ---- No and Symbol ----

    @Test
    public void noMustBePositive() {
        for (int bad : new int[] { 0, -1 }) {
            RedundancyConfiguration c = withPartner0(x -> x.withNo(bad));
            fixRemoves(c, only(c, ConfigField.PARTNER_NO, 0));
        }
    }

    @Test
    public void noMustBeUnique() {
        RedundancyConfiguration c = valid().withPartner(1, valid().partners().get(1).withNo(1));
        Problem p = only(c, ConfigField.PARTNER_NO, 1);
        assertTrue(p.message(), p.message().contains("partner row 1"));
        fixRemoves(c, p);
        none(valid(), ConfigField.PARTNER_NO, 1);
    }

    @Test
    public void symbolMustNotBeEmpty() {
        only(valid().withThisScada(valid().thisScada().withSymbol("  ")), ConfigField.THIS_SYMBOL, -1);
        only(withPartner0(x -> x.withSymbol("")), ConfigField.PARTNER_SYMBOL, 0);
    }

    @Test
    public void symbolMustBeUniqueIgnoringCaseIncludingThisScada() {
        Problem p = only(withPartner0(x -> x.withSymbol("scada-a")), ConfigField.PARTNER_SYMBOL, 0);
        assertTrue(p.message(), p.message().contains("This SCADA"));
        Problem q = only(valid().withPartner(1, valid().partners().get(1).withSymbol("Scada-B")), ConfigField.PARTNER_SYMBOL, 1);
        assertTrue(q.message(), q.message().contains("partner row 1"));
    }

    @Test
    public void symbolHasAtMost64PrintableCharacters() {
        only(withPartner0(x -> x.withSymbol("x".repeat(65))), ConfigField.PARTNER_SYMBOL, 0);
        none(withPartner0(x -> x.withSymbol("x".repeat(64))), ConfigField.PARTNER_SYMBOL, 0);
        only(withPartner0(x -> x.withSymbol("B\tline")), ConfigField.PARTNER_SYMBOL, 0);
        none(withPartner0(x -> x.withSymbol("Überwachung Nord")), ConfigField.PARTNER_SYMBOL, 0);
    }

    // ---- This SCADA ----

    @Test
    public void enableDbSyncNeedsADatabase() {
        RedundancyConfiguration c = valid().withThisScada(valid().thisScada().withEnableDbSync(true));
        Problem p = only(c, ConfigField.THIS_DATABASE, -1);
        assertEquals(Severity.ERROR, p.severity());
        fixRemoves(c, p);
        none(valid().withThisScada(valid().thisScada().withEnableDbSync(true).withDatabase("jdbc:h2:./history")),
                ConfigField.THIS_DATABASE, -1);
        none(valid().withThisScada(valid().thisScada().withDatabase("")), ConfigField.THIS_DATABASE, -1);
    }

    @Test
    public void startupAllowanceMustNotBeNegative() {
        RedundancyConfiguration c = valid().withThisScada(valid().thisScada().withStartupAllowanceMs(-1));
        fixRemoves(c, only(c, ConfigField.THIS_STARTUP_ALLOWANCE, -1));
        none(valid().withThisScada(valid().thisScada().withStartupAllowanceMs(0)), ConfigField.THIS_STARTUP_ALLOWANCE, -1);
    }

    @Test
    public void redundancyOnWithoutAnActivatedPartnerIsAWarning() {
        RedundancyConfiguration none = valid().withPartners(List.of());
        assertEquals(Severity.WARNING, only(none, ConfigField.THIS_ACTIVATE, -1).severity());
        RedundancyConfiguration allOff = valid().withPartners(valid().partners().stream().map(p -> p.withActivate(false)).toList());
        assertEquals(Severity.WARNING, only(allOff, ConfigField.THIS_ACTIVATE, -1).severity());
        none(none.withThisScada(none.thisScada().withActivate(false)), ConfigField.THIS_ACTIVATE, -1);
    }

    @Test
    public void aPinnedCertificateIs64HexDigits() {
        String hex = "ab".repeat(32);
        none(withPartner0(x -> x.withCertificateSha256(hex)), ConfigField.PARTNER_CERTIFICATE, 0);
        none(withPartner0(x -> x.withCertificateSha256(hex.toUpperCase().replaceAll("(..)(?!$)", "$1:"))),
                ConfigField.PARTNER_CERTIFICATE, 0);
        only(withPartner0(x -> x.withCertificateSha256("abc")), ConfigField.PARTNER_CERTIFICATE, 0);
        only(withPartner0(x -> x.withCertificateSha256("zz".repeat(32))), ConfigField.PARTNER_CERTIFICATE, 0);
    }

    @Test
    public void problemsNameTheirPathAndQuickFixesAreOptional() {
        Problem p = only(withPartner0(x -> x.withIpAddress("nope")), ConfigField.PARTNER_IP_ADDRESS, 0);
        assertEquals("partners[0].ipAddress", p.path());
        assertEquals(Optional.empty(), p.quickFix());
        Problem q = only(valid().withThisScada(valid().thisScada().withPort(0)), ConfigField.THIS_PORT, -1);
        assertEquals("thisScada.port", q.path());
    }
}
