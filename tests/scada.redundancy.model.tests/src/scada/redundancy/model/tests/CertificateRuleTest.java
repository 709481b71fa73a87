package scada.redundancy.model.tests;

import static org.junit.Assert.assertEquals;
import static scada.redundancy.model.ConfigField.PARTNER_CERTIFICATE;
import static scada.redundancy.model.tests.Configs.*;

import org.junit.Test;

import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;

/** Certificate SHA-256: empty, or 64 hex digits (colons and upper case allowed). */
public class CertificateRuleTest {
    private static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static RedundancyConfiguration cert(String value) {
        return withPartner(partner().withCertificateSha256(value));
    }

    private static String withColons(String hex) {
        return hex.replaceAll("(..)(?!$)", "$1:");
    }

    @Test
    public void anEmptyFingerprintPasses() {
        clean(cert(""), PARTNER_CERTIFICATE, 0);
    }

    @Test
    public void sixtyFourHexDigitsPass() {
        clean(cert(HEX), PARTNER_CERTIFICATE, 0);
    }

    @Test
    public void colonsAndUpperCaseAreAllowed() {
        String colons = withColons(HEX.toUpperCase(java.util.Locale.ROOT));
        assertEquals(95, colons.length());
        clean(cert(colons), PARTNER_CERTIFICATE, 0);
        clean(cert(withColons(HEX)), PARTNER_CERTIFICATE, 0);
        assertEquals(HEX, cert(colons).partners().get(0).normalizedCertificateSha256());
    }

    @Test
    public void tooFewOrTooManyDigitsAreAnError() {
        Problem p = error(cert(HEX.substring(1)), PARTNER_CERTIFICATE, 0);
        assertMentions(p.message(), HEX.substring(1));
        error(cert(HEX + "0"), PARTNER_CERTIFICATE, 0);
    }

    @Test
    public void nonHexCharactersAreAnError() {
        error(cert("g" + HEX.substring(1)), PARTNER_CERTIFICATE, 0);
        error(cert(HEX.substring(0, 63) + "-"), PARTNER_CERTIFICATE, 0);
        error(cert("not a fingerprint"), PARTNER_CERTIFICATE, 0);
    }
}
