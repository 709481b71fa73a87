package scada.redundancy.model.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Comparator;
import java.util.List;

import org.junit.Test;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.Partner;
import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.Severity;
import scada.redundancy.model.ValidationReport;

/** The report: errors and warnings, by field, in the order of the screen. */
public class ValidationReportTest {

    /** Many problems at once: This SCADA without partners activated, two broken partner rows. */
    private static RedundancyConfiguration broken() {
        return Configs.valid()
                .withThisScada(Configs.valid().thisScada().withStartupAllowanceMs(-1).withEnableDbSync(true))
                .withPartners(List.of(
                        new Partner(1, "B", "10.0.0.1", 8001, 1000, 2500, -1, false, "", "xyz"),
                        new Partner(1, "b", "10.0.0.1", 8000, 1000, 1000, 3, false, "", ""),
                        // port mismatch (Port) found before the duplicate address (IP Address, an earlier column)
                        new Partner(3, "C", "10.0.0.1", 8001, 1000, 3000, 3, false, "", "")));
    }

    @Test
    public void problemsComeInTheOrderOfTheScreenRowByRowAndFieldByField() {
        List<Problem> problems = ConfigurationValidator.validate(broken()).problems();
        List<Problem> sorted = problems.stream()
                .sorted(Comparator.comparingInt(Problem::partnerIndex).thenComparing(Problem::field)).toList();
        assertEquals(Configs.describe(ConfigurationValidator.validate(broken())), sorted, problems);
    }

    @Test
    public void errorsAndWarningsAreSeparated() {
        ValidationReport report = ConfigurationValidator.validate(broken());
        assertTrue(report.hasErrors());
        assertFalse(report.warnings().isEmpty());
        assertTrue(report.errors().stream().allMatch(p -> p.severity() == Severity.ERROR));
        assertTrue(report.warnings().stream().allMatch(p -> p.severity() == Severity.WARNING));
        assertEquals(report.problems().size(), report.errors().size() + report.warnings().size());
    }

    @Test
    public void aReportWithOnlyWarningsHasNoErrors() {
        ValidationReport report = ConfigurationValidator.validate(RedundancyConfiguration.defaults());
        assertFalse(report.hasErrors());
        assertEquals(1, report.warnings().size());
    }

    @Test
    public void everyProblemNamesItsPathAndSaysHowToFixIt() {
        for (Problem p : ConfigurationValidator.validate(broken()).problems()) {
            assertFalse(p.toString(), p.message().isBlank());
            assertFalse(p.toString(), p.howToFix().isBlank());
            String expected = p.partnerIndex() < 0 ? "thisScada." + p.field().jsonName()
                    : "partners[" + p.partnerIndex() + "]." + p.field().jsonName();
            assertEquals(expected, p.path());
        }
    }

    @Test
    public void aProblemRefusesAPartnerIndexThatDoesNotFitItsField() {
        try {
            new Problem(Severity.ERROR, ConfigField.THIS_PORT, 0, "m", "f", java.util.Optional.empty());
            throw new AssertionError("accepted a partner index for a This SCADA field");
        } catch (IllegalArgumentException expected) {
            // fine
        }
        try {
            new Problem(Severity.ERROR, ConfigField.PARTNER_PORT, -1, "m", "f", java.util.Optional.empty());
            throw new AssertionError("accepted no partner index for a Partners field");
        } catch (IllegalArgumentException expected) {
            // fine
        }
    }
}
