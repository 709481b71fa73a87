package scada.redundancy.model.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static scada.redundancy.model.ConfigField.PARTNER_PERIOD;
import static scada.redundancy.model.ConfigField.PARTNER_RETRY_COUNT;
import static scada.redundancy.model.ConfigField.PARTNER_TIMEOUT;
import static scada.redundancy.model.tests.Configs.*;

import org.junit.Test;

import scada.redundancy.model.Partner;
import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;

/** Period, Timeout and Retry Count of a partner. */
public class TimingRulesTest {

    private static RedundancyConfiguration timing(int period, int timeout) {
        return withPartner(partner().withPeriodMs(period).withTimeoutMs(timeout));
    }

    @Test
    public void aPositivePeriodPasses() {
        clean(timing(1, 3), PARTNER_PERIOD, 0);
        clean(timing(1000, 3000), PARTNER_PERIOD, 0);
    }

    @Test
    public void aPeriodOfZeroOrLessIsAnErrorFixedByTheDefaultPeriod() {
        for (int period : new int[] { 0, -1, Integer.MIN_VALUE }) {
            RedundancyConfiguration c = timing(period, 3000);
            Problem p = error(c, PARTNER_PERIOD, 0);
            assertMentions(p.message(), period);
            RedundancyConfiguration fixed = applyFix(p, c);
            assertEquals(Partner.DEFAULT_PERIOD_MS, fixed.partners().get(0).periodMs());
            clean(fixed, PARTNER_TIMEOUT, 0);
        }
    }

    @Test
    public void noTimeoutProblemIsReportedWhileThePeriodIsInvalid() {
        clean(timing(0, 1), PARTNER_TIMEOUT, 0);
    }

    @Test
    public void timeoutBelowTwicePeriodIsAnError() {
        Problem p = error(timing(1000, 1999), PARTNER_TIMEOUT, 0);
        assertMentions(p.message(), 1999);
        assertMentions(p.message(), 2000);
        error(timing(1000, 0), PARTNER_TIMEOUT, 0);
        error(timing(1000, -5000), PARTNER_TIMEOUT, 0);
    }

    @Test
    public void timeoutFromTwiceToBelowThreeTimesPeriodIsAWarning() {
        warning(timing(1000, 2000), PARTNER_TIMEOUT, 0);
        Problem p = warning(timing(1000, 2999), PARTNER_TIMEOUT, 0);
        assertMentions(p.message(), 2999);
        assertMentions(p.howToFix(), 3000);
    }

    @Test
    public void timeoutOfThreeTimesPeriodOrMorePasses() {
        clean(timing(1000, 3000), PARTNER_TIMEOUT, 0);
        clean(timing(1000, Integer.MAX_VALUE), PARTNER_TIMEOUT, 0);
        clean(timing(1, 3), PARTNER_TIMEOUT, 0);
    }

    @Test
    public void theTimeoutQuickFixSetsThreeTimesThePeriod() {
        for (int timeout : new int[] { 1999, 2500 }) {
            RedundancyConfiguration c = timing(1000, timeout);
            Problem p = problem(c, PARTNER_TIMEOUT, 0, timeout < 2000 ? scada.redundancy.model.Severity.ERROR
                    : scada.redundancy.model.Severity.WARNING);
            assertMentions(p.quickFix().get().label(), 3000);
            RedundancyConfiguration fixed = applyFix(p, c);
            assertEquals(3000, fixed.partners().get(0).timeoutMs());
            noProblems(fixed);
        }
    }

    @Test
    public void aHugePeriodDoesNotOverflowIntoAWrongVerdict() {
        // 2 x Integer.MAX_VALUE overflows an int to -2: a naive check would let any Timeout pass
        Problem p = error(timing(Integer.MAX_VALUE, Integer.MAX_VALUE), PARTNER_TIMEOUT, 0);
        assertMentions(p.message(), 2L * Integer.MAX_VALUE);
        assertFalse("no fix can set 3 x Period in an int: " + p, p.quickFix().isPresent());
        error(timing(Integer.MAX_VALUE / 2 + 1, Integer.MAX_VALUE), PARTNER_TIMEOUT, 0);
        // 3 x (MAX/3 + 1) overflows too: Timeout MAX is between 2x and 3x, a warning
        warning(timing(Integer.MAX_VALUE / 3 + 1, Integer.MAX_VALUE), PARTNER_TIMEOUT, 0);
        clean(timing(Integer.MAX_VALUE / 3, Integer.MAX_VALUE), PARTNER_TIMEOUT, 0);
    }

    @Test
    public void retryCountZeroAndMorePasses() {
        clean(withPartner(partner().withRetryCount(0)), PARTNER_RETRY_COUNT, 0);
        clean(withPartner(partner().withRetryCount(Integer.MAX_VALUE)), PARTNER_RETRY_COUNT, 0);
    }

    @Test
    public void aNegativeRetryCountIsAnErrorFixedByTheDefault() {
        RedundancyConfiguration c = withPartner(partner().withRetryCount(-1));
        Problem p = error(c, PARTNER_RETRY_COUNT, 0);
        assertMentions(p.message(), -1);
        assertEquals(Partner.DEFAULT_RETRY_COUNT, applyFix(p, c).partners().get(0).retryCount());
    }
}
