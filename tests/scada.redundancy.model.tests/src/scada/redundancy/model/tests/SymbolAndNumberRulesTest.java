package scada.redundancy.model.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static scada.redundancy.model.ConfigField.PARTNER_NO;
import static scada.redundancy.model.ConfigField.PARTNER_SYMBOL;
import static scada.redundancy.model.ConfigField.THIS_SYMBOL;
import static scada.redundancy.model.tests.Configs.*;

import java.util.List;

import org.junit.Test;

import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.Partner;
import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;

/** No: unique and positive. Symbol: non-empty, unique ignoring case, at most 64 characters, printable. */
public class SymbolAndNumberRulesTest {

    private static RedundancyConfiguration twoPartners(Partner second) {
        return valid().withPartnerAdded(1, second);
    }

    private static Partner second() {
        return Partner.defaults(2, "SCADA-C", "192.168.1.12", 8000);
    }

    @Test
    public void distinctPositiveNumbersPass() {
        noProblems(twoPartners(second()));
        clean(twoPartners(second().withNo(Integer.MAX_VALUE)), PARTNER_NO, 1);
    }

    @Test
    public void aNumberOfZeroOrLessIsAnErrorWithARenumberFix() {
        for (int no : new int[] { 0, -1, Integer.MIN_VALUE }) {
            RedundancyConfiguration c = twoPartners(second().withNo(no));
            Problem p = error(c, PARTNER_NO, 1);
            assertMentions(p.message(), no);
            RedundancyConfiguration fixed = applyFix(p, c);
            assertEquals(2, fixed.partners().get(1).no());
        }
    }

    @Test
    public void theRenumberFixWorksWhenEveryNumberIsNegative() {
        RedundancyConfiguration c = valid().withPartner(0, partner().withNo(-3));
        applyFix(error(c, PARTNER_NO, 0), c);
    }

    @Test
    public void aDuplicateNumberIsAnErrorOnTheLaterRow() {
        RedundancyConfiguration c = twoPartners(second().withNo(1));
        clean(c, PARTNER_NO, 0);
        Problem p = error(c, PARTNER_NO, 1);
        assertMentions(p.message(), "row 1");
        RedundancyConfiguration fixed = applyFix(p, c);
        assertEquals(2, fixed.partners().get(1).no());
        clean(fixed, PARTNER_NO, 0);
    }

    @Test
    public void aDistinctNonEmptySymbolPasses() {
        clean(valid(), THIS_SYMBOL, -1);
        clean(valid(), PARTNER_SYMBOL, 0);
        clean(withPartner(partner().withSymbol("Leitstelle Süd 2")), PARTNER_SYMBOL, 0);
    }

    @Test
    public void anEmptySymbolIsAnError() {
        error(withPartner(partner().withSymbol("")), PARTNER_SYMBOL, 0);
        error(withPartner(partner().withSymbol("   ")), PARTNER_SYMBOL, 0);
        error(withLocal(valid().thisScada().withSymbol("")), THIS_SYMBOL, -1);
    }

    @Test
    public void aSymbolUsedTwiceIgnoringCaseIsAnError() {
        RedundancyConfiguration c = twoPartners(second().withSymbol("scada-b"));
        clean(c, PARTNER_SYMBOL, 0);
        Problem p = error(c, PARTNER_SYMBOL, 1);
        assertMentions(p.message(), "scada-b");
        assertMentions(p.message(), "row 1");
    }

    @Test
    public void aPartnerSymbolEqualToThisScadasSymbolIsAnError() {
        Problem p = error(withPartner(partner().withSymbol("Scada-A")), PARTNER_SYMBOL, 0);
        assertMentions(p.message(), "This SCADA");
        clean(withPartner(partner().withSymbol("Scada-A")), THIS_SYMBOL, -1);
    }

    @Test
    public void aSymbolOf64CharactersPassesAnd65IsAnError() {
        clean(withPartner(partner().withSymbol("x".repeat(64))), PARTNER_SYMBOL, 0);
        Problem p = error(withPartner(partner().withSymbol("x".repeat(65))), PARTNER_SYMBOL, 0);
        assertMentions(p.message(), 65);
        assertMentions(p.howToFix(), ConfigurationValidator.MAX_SYMBOL_LENGTH);
        error(withLocal(valid().thisScada().withSymbol("y".repeat(65))), THIS_SYMBOL, -1);
    }

    @Test
    public void aSymbolWithControlCharactersIsAnError() {
        for (String s : List.of("SCADA\tB", "SCADA\nB", "SCADA\u0000B", "SCADA\u007fB", "SCADA\u0085B")) {
            error(withPartner(partner().withSymbol(s)), PARTNER_SYMBOL, 0);
        }
        error(withLocal(valid().thisScada().withSymbol("A\rB")), THIS_SYMBOL, -1);
    }

    @Test
    public void symbolsAreCheckedForEveryRowIndependently() {
        RedundancyConfiguration c = twoPartners(second().withSymbol(""));
        clean(c, PARTNER_SYMBOL, 0);
        error(c, PARTNER_SYMBOL, 1);
        assertTrue(ConfigurationValidator.validate(c).hasErrors());
    }
}
