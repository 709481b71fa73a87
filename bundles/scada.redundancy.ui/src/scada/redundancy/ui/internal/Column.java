package scada.redundancy.ui.internal;

import java.util.function.BiFunction;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.RedundancyConfiguration;

/**
 * One column of the Redundancy screen: its title and the spec's description (the header
 * tooltip), how to read its value for a row and, for a configuration column, how to change it.
 * One table of these drives both tables, so no column is coded twice.
 *
 * @param title   the spec's column name
 * @param tooltip the spec's description
 * @param width   initial width in pixels
 * @param kind    how it is edited (or that it is a live status column)
 * @param field   the configuration field, for validation decorations; null for status columns
 * @param get     value of the row (-1 for This SCADA, else the partner's index)
 * @param set     the configuration with the row's value changed; null for status columns
 */
public record Column(String title, String tooltip, int width, Kind kind, ConfigField field,
        BiFunction<RedundancyConfiguration, Integer, Object> get, Setter set) {

    public enum Kind {
        TEXT, NUMBER, CHECK, STATUS
    }

    @FunctionalInterface
    public interface Setter {
        RedundancyConfiguration apply(RedundancyConfiguration config, int row, Object value);
    }

    public boolean editable() {
        return set != null;
    }
}
