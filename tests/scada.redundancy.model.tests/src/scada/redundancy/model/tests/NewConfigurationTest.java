package scada.redundancy.model.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static scada.redundancy.model.ConfigField.PARTNER_SYMBOL;
import static scada.redundancy.model.tests.Configs.*;

import java.util.List;
import java.util.Locale;

import org.junit.Test;

import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;

/** A new configuration and a new partner row start out valid. */
public class NewConfigurationTest {

    @Test
    public void defaultsWithOneNewPartnerGivenAnIpAreValid() {
        RedundancyConfiguration c = RedundancyConfiguration.defaults();
        c = c.withPartnerAdded(0, c.newPartner().withIpAddress("192.168.1.11"));
        noProblems(c);
        assertFalse(ConfigurationValidator.validate(c).hasErrors());
    }

    @Test
    public void defaultsAloneOnlyWarnThatNoPartnerIsActivated() {
        RedundancyConfiguration c = RedundancyConfiguration.defaults();
        assertFalse(ConfigurationValidator.validate(c).hasErrors());
        assertEquals(1, ConfigurationValidator.validate(c).warnings().size());
    }

    @Test
    public void aNewPartnerHasTheRecommendedTimingsAndTheLocalPort() {
        RedundancyConfiguration c = valid().withThisScada(valid().thisScada().withPort(9123));
        Partner p = c.newPartner();
        assertEquals(9123, p.port());
        assertEquals(Partner.DEFAULT_PERIOD_MS, p.periodMs());
        assertEquals(Partner.DEFAULT_TIMEOUT_MS, p.timeoutMs());
        assertEquals(Partner.DEFAULT_RETRY_COUNT, p.retryCount());
        assertEquals("", p.ipAddress());
    }

    @Test
    public void aNewPartnerTakesTheNextNumber() {
        assertEquals(1, RedundancyConfiguration.defaults().newPartner().no());
        assertEquals(2, valid().newPartner().no());
        assertEquals(8, valid().withPartner(0, partner().withNo(7)).newPartner().no());
    }

    @Test
    public void aNewPartnerHasAPositiveNumberEvenWhenExistingNumbersAreNegative() {
        RedundancyConfiguration c = valid().withPartner(0, partner().withNo(-5));
        int no = c.newPartner().no();
        assertEquals("No of a new row after No -5", true, no > 0);
    }

    @Test
    public void aNewPartnerHasAPositiveNumberAfterTheLargestPossibleNumber() {
        RedundancyConfiguration c = valid().withPartner(0, partner().withNo(Integer.MAX_VALUE));
        int no = c.newPartner().no();
        assertEquals("No of a new row after No " + Integer.MAX_VALUE, true, no > 0);
        assertNotEquals(Integer.MAX_VALUE, no);
    }

    @Test
    public void aNewPartnerSymbolIsNotUsedYet() {
        RedundancyConfiguration c = valid().withPartners(List.of(Partner.defaults(1, "Partner 2", "10.0.0.2", 8000)));
        Partner p = c.newPartner();
        assertEquals(2, p.no());
        assertNotEquals("Partner 2", p.symbol());
        c = c.withPartnerAdded(1, p.withIpAddress("10.0.0.3"));
        clean(c, PARTNER_SYMBOL, 1);
    }

    @Test
    public void aNewPartnerSymbolIsNotUsedYetIgnoringCaseAsTheValidatorCompares() {
        RedundancyConfiguration c = new RedundancyConfiguration(LocalServer.defaults().withSymbol("PARTNER 1"),
                List.of());
        Partner p = c.newPartner();
        assertNotEquals("PARTNER 1", p.symbol().toUpperCase(Locale.ROOT));
        clean(c.withPartnerAdded(0, p.withIpAddress("10.0.0.3")), PARTNER_SYMBOL, 0);
    }

    @Test
    public void repeatedlyAddingNewPartnersKeepsTheConfigurationValid() {
        RedundancyConfiguration c = RedundancyConfiguration.defaults();
        for (int i = 0; i < 5; i++) {
            c = c.withPartnerAdded(c.partners().size(), c.newPartner().withIpAddress("10.0.0." + (i + 1)));
        }
        noProblems(c);
    }
}
