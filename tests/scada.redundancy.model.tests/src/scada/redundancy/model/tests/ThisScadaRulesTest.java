package scada.redundancy.model.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static scada.redundancy.model.ConfigField.THIS_ACTIVATE;
import static scada.redundancy.model.ConfigField.THIS_DATABASE;
import static scada.redundancy.model.ConfigField.THIS_STARTUP_ALLOWANCE;
import static scada.redundancy.model.tests.Configs.*;

import java.util.List;

import org.junit.Test;

import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;

/** Enable DB Sync, Startup Allowance and Activate of This SCADA. */
public class ThisScadaRulesTest {

    private static LocalServer local() {
        return valid().thisScada();
    }

    @Test
    public void enableDbSyncWithoutADatabaseIsAnErrorFixedByTurningItOff() {
        RedundancyConfiguration c = withLocal(local().withEnableDbSync(true).withDatabase(""));
        Problem p = error(c, THIS_DATABASE, -1);
        RedundancyConfiguration fixed = applyFix(p, c);
        assertFalse(fixed.thisScada().enableDbSync());
        error(withLocal(local().withEnableDbSync(true).withDatabase("  ")), THIS_DATABASE, -1);
    }

    @Test
    public void enableDbSyncWithADatabasePasses() {
        noProblems(withLocal(local().withEnableDbSync(true).withDatabase("jdbc:postgresql://db/history")));
    }

    @Test
    public void noDatabaseIsNeededWithoutDbSync() {
        clean(withLocal(local().withEnableDbSync(false).withDatabase("")), THIS_DATABASE, -1);
    }

    @Test
    public void aNegativeStartupAllowanceIsAnErrorFixedByTheDefault() {
        RedundancyConfiguration c = withLocal(local().withStartupAllowanceMs(-1));
        Problem p = error(c, THIS_STARTUP_ALLOWANCE, -1);
        assertMentions(p.message(), -1);
        assertEquals(LocalServer.DEFAULT_STARTUP_ALLOWANCE_MS, applyFix(p, c).thisScada().startupAllowanceMs());
        error(withLocal(local().withStartupAllowanceMs(Integer.MIN_VALUE)), THIS_STARTUP_ALLOWANCE, -1);
    }

    @Test
    public void aStartupAllowanceOfZeroOrMorePasses() {
        clean(withLocal(local().withStartupAllowanceMs(0)), THIS_STARTUP_ALLOWANCE, -1);
        clean(withLocal(local().withStartupAllowanceMs(Integer.MAX_VALUE)), THIS_STARTUP_ALLOWANCE, -1);
    }

    @Test
    public void activateWithNoPartnerIsAWarning() {
        warning(valid().withPartners(List.of()), THIS_ACTIVATE, -1);
    }

    @Test
    public void activateWithOnlyDeactivatedPartnersIsAWarning() {
        warning(withPartner(partner().withActivate(false)), THIS_ACTIVATE, -1);
    }

    @Test
    public void activateWithAnActivatedPartnerPasses() {
        clean(valid(), THIS_ACTIVATE, -1);
    }

    @Test
    public void aStandaloneServerNeedsNoPartner() {
        clean(valid().withPartners(List.of()).withThisScada(local().withActivate(false)), THIS_ACTIVATE, -1);
    }
}
