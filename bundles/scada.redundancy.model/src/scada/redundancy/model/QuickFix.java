package scada.redundancy.model;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An obvious repair for a problem, as an edit of the whole configuration: the editor offers the
 * label and applies the edit as one undoable operation.
 *
 * @param label  what the fix does, e.g. "Set Timeout to 3000 ms (3 x Period)"
 * @param change the edit
 */
public record QuickFix(String label, UnaryOperator<RedundancyConfiguration> change) {
    public QuickFix {
        Objects.requireNonNull(label);
        Objects.requireNonNull(change);
    }

    public RedundancyConfiguration applyTo(RedundancyConfiguration configuration) {
        return change.apply(configuration);
    }
}
