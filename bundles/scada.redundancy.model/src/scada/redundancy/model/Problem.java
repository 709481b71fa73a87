package scada.redundancy.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One finding of the validation.
 *
 * @param severity     error or warning
 * @param field        the offending field
 * @param partnerIndex the row of the partner (0-based) for a Partners field, -1 for This SCADA
 * @param message      what is wrong, in plain language
 * @param howToFix     what to do about it
 * @param quickFix     an edit that repairs it, where one is obvious
 */
public record Problem(Severity severity, ConfigField field, int partnerIndex, String message, String howToFix,
        Optional<QuickFix> quickFix) {

    public Problem {
        Objects.requireNonNull(severity);
        Objects.requireNonNull(field);
        Objects.requireNonNull(message);
        Objects.requireNonNull(howToFix);
        Objects.requireNonNull(quickFix);
        if ((field.section() == Section.PARTNERS) != (partnerIndex >= 0)) {
            throw new IllegalArgumentException("partnerIndex " + partnerIndex + " does not fit field " + field);
        }
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The field's path in the file, e.g. {@code thisScada.port} or {@code partners[1].timeoutMs}. */
    public String path() {
        return FieldPaths.of(field, partnerIndex);
    }

    /** "path: message How to fix." on one line. */
    @Override
    public String toString() {
        return severity + " " + path() + ": " + message + " " + howToFix;
    }
}
