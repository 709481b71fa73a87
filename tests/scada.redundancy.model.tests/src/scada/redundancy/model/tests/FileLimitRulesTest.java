package scada.redundancy.model.tests;

import static org.junit.Assert.assertTrue;
import static scada.redundancy.model.ConfigField.PARTNER_COMMENT;
import static scada.redundancy.model.ConfigField.THIS_COMMENT;
import static scada.redundancy.model.ConfigField.THIS_DATABASE;
import static scada.redundancy.model.tests.Configs.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.Test;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.Partner;
import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;

/**
 * The validator refuses what the file cannot hold: a configuration without errors must be readable
 * after it is saved, or a user could save a file that the studio and the server then refuse to open.
 */
public class FileLimitRulesTest {
    private static final int MAX = ConfigurationFile.MAX_TEXT_LENGTH;

    private static void readableAfterSaving(RedundancyConfiguration c) throws ConfigurationReadException {
        ConfigurationFile.parse(ConfigurationFile.toBytes(c), "test");
    }

    private static void unreadableAfterSaving(RedundancyConfiguration c) {
        try {
            ConfigurationFile.parse(ConfigurationFile.toBytes(c), "test");
            throw new AssertionError("the file holds it: this test no longer shows a limit");
        } catch (ConfigurationReadException expected) {
            // the limit this rule is for
        }
    }

    @Test
    public void textsOfTheFilesMaximumLengthPass() throws Exception {
        RedundancyConfiguration c = withLocal(valid().thisScada().withComment("c".repeat(MAX))
                .withDatabase("d".repeat(MAX)).withEnableDbSync(true))
                .withPartner(0, partner().withComment("p".repeat(MAX)));
        noProblems(c);
        readableAfterSaving(c);
    }

    @Test
    public void aLongerCommentIsAnError() {
        RedundancyConfiguration c = withLocal(valid().thisScada().withComment("c".repeat(MAX + 1)));
        unreadableAfterSaving(c);
        Problem p = error(c, THIS_COMMENT, -1);
        assertMentions(p.message(), MAX + 1);
        assertMentions(p.howToFix(), MAX);
        error(withPartner(partner().withComment("c".repeat(MAX + 1))), PARTNER_COMMENT, 0);
    }

    @Test
    public void aLongerDatabaseIsAnError() {
        RedundancyConfiguration c = withLocal(valid().thisScada().withDatabase("d".repeat(MAX + 1)));
        unreadableAfterSaving(c);
        error(c, THIS_DATABASE, -1);
    }

    @Test
    public void overlongTextsInEveryOtherFieldAreErrorsToo() {
        String longText = "1".repeat(MAX + 1);
        for (ConfigField f : List.of(ConfigField.PARTNER_SYMBOL, ConfigField.PARTNER_IP_ADDRESS,
                ConfigField.PARTNER_CERTIFICATE)) {
            Partner p = switch (f) {
            case PARTNER_SYMBOL -> partner().withSymbol(longText);
            case PARTNER_IP_ADDRESS -> partner().withIpAddress(longText);
            default -> partner().withCertificateSha256(longText);
            };
            assertTrue(f.toString(), ConfigurationValidator.validate(withPartner(p)).at(f, 0).stream()
                    .anyMatch(Problem::isError));
        }
        error(withLocal(valid().thisScada().withSymbol(longText)), ConfigField.THIS_SYMBOL, -1);
    }

    @Test
    public void moreThanMaxPartnersIsAnErrorOnTheFirstRowTooMany() {
        List<Partner> partners = new ArrayList<>();
        for (int i = 0; i <= ConfigurationFile.MAX_PARTNERS; i++) {
            partners.add(Partner.defaults(i + 1, "P" + i, "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "."
                    + (i & 255), 8000));
        }
        RedundancyConfiguration c = valid().withPartners(partners);
        unreadableAfterSaving(c);
        Problem p = error(c, ConfigField.PARTNER_NO, ConfigurationFile.MAX_PARTNERS);
        assertMentions(p.message(), ConfigurationFile.MAX_PARTNERS);
        clean(c, ConfigField.PARTNER_NO, ConfigurationFile.MAX_PARTNERS - 1);
        assertTrue(ConfigurationValidator.validate(c.withPartnerRemoved(0)).problems().isEmpty());
    }
}
