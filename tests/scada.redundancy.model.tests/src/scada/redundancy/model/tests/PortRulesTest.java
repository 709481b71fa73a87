package scada.redundancy.model.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static scada.redundancy.model.ConfigField.PARTNER_PORT;
import static scada.redundancy.model.ConfigField.THIS_PORT;
import static scada.redundancy.model.tests.Configs.*;

import org.junit.Test;

import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;

/** Port: 1 to 65535 on every row, and every partner on the local port. */
public class PortRulesTest {

    private static RedundancyConfiguration localPort(int port) {
        // the partner follows, so that only the range rule can fire
        return valid().withThisScada(valid().thisScada().withPort(port)).withPartner(0, partner().withPort(port));
    }

    @Test
    public void thisScadaPortsOneAnd65535AreAccepted() {
        clean(localPort(1), THIS_PORT, -1);
        clean(localPort(65535), THIS_PORT, -1);
        clean(localPort(8000), THIS_PORT, -1);
    }

    @Test
    public void thisScadaPortZeroIsAnError() {
        Problem p = error(localPort(0), THIS_PORT, -1);
        assertMentions(p.message(), 0);
        assertMentions(p.howToFix(), 65535);
    }

    @Test
    public void thisScadaPort65536IsAnError() {
        assertMentions(error(localPort(65536), THIS_PORT, -1).message(), 65536);
    }

    @Test
    public void thisScadaNegativePortIsAnError() {
        assertMentions(error(localPort(-8000), THIS_PORT, -1).message(), -8000);
        error(localPort(Integer.MIN_VALUE), THIS_PORT, -1);
        error(localPort(Integer.MAX_VALUE), THIS_PORT, -1);
    }

    @Test
    public void partnerPortsOneAnd65535AreAcceptedWhenTheyEqualTheLocalPort() {
        clean(localPort(1), PARTNER_PORT, 0);
        clean(localPort(65535), PARTNER_PORT, 0);
    }

    @Test
    public void partnerPortOutOfRangeIsAnErrorWithTheUseTheLocalPortFix() {
        for (int port : new int[] { 0, 65536, -1, Integer.MIN_VALUE }) {
            RedundancyConfiguration c = withPartner(partner().withPort(port));
            Problem p = error(c, PARTNER_PORT, 0);
            assertMentions(p.message(), port);
            RedundancyConfiguration fixed = applyFix(p, c);
            assertEquals(8000, fixed.partners().get(0).port());
        }
    }

    @Test
    public void partnerPortDifferentFromTheLocalPortIsAnError() {
        RedundancyConfiguration c = withPartner(partner().withPort(8001));
        Problem p = error(c, PARTNER_PORT, 0);
        assertMentions(p.message(), 8001);
        assertMentions(p.message(), 8000);
        assertMentions(p.quickFix().get().label(), 8000);
    }

    @Test
    public void theUseTheLocalPortQuickFixSetsTheLocalPort() {
        RedundancyConfiguration c = withPartner(partner().withPort(8001));
        RedundancyConfiguration fixed = applyFix(error(c, PARTNER_PORT, 0), c);
        assertEquals(8000, fixed.partners().get(0).port());
        noProblems(fixed);
    }

    @Test
    public void partnerOnTheLocalPortPasses() {
        clean(valid(), PARTNER_PORT, 0);
    }

    @Test
    public void noUseTheLocalPortFixIsOfferedWhenTheLocalPortIsItselfInvalid() {
        RedundancyConfiguration c = valid().withThisScada(valid().thisScada().withPort(0));
        Problem p = error(c, PARTNER_PORT, 0);
        assertFalse("fixing to an invalid port would not help: " + p, p.quickFix().isPresent());
    }
}
