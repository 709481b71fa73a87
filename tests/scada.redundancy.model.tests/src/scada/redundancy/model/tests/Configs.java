package scada.redundancy.model.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.stream.Collectors;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.Severity;
import scada.redundancy.model.ValidationContext;
import scada.redundancy.model.ValidationReport;

/** Shared fixtures and assertions of the validation tests. */
final class Configs {
    private Configs() {
    }

    /** A configuration that breaks no rule at all: This SCADA on 8000 and one active partner. */
    static RedundancyConfiguration valid() {
        return new RedundancyConfiguration(
                new LocalServer("SCADA-A", 8000, true, false, "", "", Failback.MANUAL, 3000),
                List.of(Partner.defaults(1, "SCADA-B", "192.168.1.11", 8000)));
    }

    /** {@link #valid()} with its one partner changed. */
    static RedundancyConfiguration withPartner(Partner p) {
        return valid().withPartner(0, p);
    }

    static Partner partner() {
        return valid().partners().get(0);
    }

    static RedundancyConfiguration withLocal(LocalServer l) {
        return valid().withThisScada(l);
    }

    static String describe(ValidationReport report) {
        return report.problems().stream().map(Problem::toString).collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    /** Asserts that the field of that row has exactly one problem, of that severity, and returns it. */
    static Problem problem(RedundancyConfiguration c, ValidationContext ctx, ConfigField field, int row,
            Severity severity) {
        ValidationReport report = ConfigurationValidator.validate(c, ctx);
        List<Problem> at = report.at(field, row);
        assertEquals("problems of " + field + " row " + row + " in" + describe(report), 1, at.size());
        Problem p = at.get(0);
        assertEquals(p.toString(), severity, p.severity());
        assertEquals(field, p.field());
        assertEquals(row, p.partnerIndex());
        assertFalse("message of " + p, p.message().isBlank());
        assertFalse("howToFix of " + p, p.howToFix().isBlank());
        assertTrue("toString names the path: " + p, p.toString().contains(p.path()));
        return p;
    }

    static Problem problem(RedundancyConfiguration c, ConfigField field, int row, Severity severity) {
        return problem(c, ValidationContext.unknownHost(), field, row, severity);
    }

    static Problem error(RedundancyConfiguration c, ConfigField field, int row) {
        return problem(c, field, row, Severity.ERROR);
    }

    static Problem warning(RedundancyConfiguration c, ConfigField field, int row) {
        return problem(c, field, row, Severity.WARNING);
    }

    /** Asserts that the field of that row has no problem. */
    static void clean(RedundancyConfiguration c, ValidationContext ctx, ConfigField field, int row) {
        ValidationReport report = ConfigurationValidator.validate(c, ctx);
        assertEquals("problems of " + field + " row " + row + " in" + describe(report), List.of(),
                report.at(field, row));
    }

    static void clean(RedundancyConfiguration c, ConfigField field, int row) {
        clean(c, ValidationContext.unknownHost(), field, row);
    }

    /** Asserts that the configuration has no problem at all. */
    static void noProblems(RedundancyConfiguration c) {
        ValidationReport report = ConfigurationValidator.validate(c);
        assertEquals("problems in" + describe(report), List.of(), report.problems());
    }

    /** Applies the problem's quick fix (which must exist) and asserts that the field is clean afterwards. */
    static RedundancyConfiguration applyFix(Problem p, RedundancyConfiguration c) {
        assertTrue("quick fix expected for " + p, p.quickFix().isPresent());
        assertFalse("quick fix label of " + p, p.quickFix().get().label().isBlank());
        RedundancyConfiguration fixed = p.quickFix().get().applyTo(c);
        clean(fixed, p.field(), p.partnerIndex());
        return fixed;
    }

    static void assertMentions(String text, Object value) {
        assertTrue("\"" + text + "\" should mention " + value, text.contains(String.valueOf(value)));
    }
}
