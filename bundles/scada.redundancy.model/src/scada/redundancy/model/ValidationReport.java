package scada.redundancy.model;

import java.util.List;

/** The problems of one configuration, in field order. */
public record ValidationReport(List<Problem> problems) {

    public ValidationReport {
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }

    /** The problems of one field of one row (partnerIndex -1 for This SCADA). */
    public List<Problem> at(ConfigField field, int partnerIndex) {
        return problems.stream().filter(p -> p.field() == field && p.partnerIndex() == partnerIndex).toList();
    }
}
