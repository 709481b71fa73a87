package scada.redundancy.dbsync.internal;

import scada.redundancy.history.HistoryWriter;

/**
 * What a row must be to be stored, checked before any database sees it: the same rules for a
 * local row (refused to the caller) and a partner's row (refused to replication), so a row one
 * store accepted is never refused by another.
 * <ul>
 * <li>A name (tag or log source): 1 to {@value HistoryWriter#MAX_NAME} characters, no control
 * character (a name is shown in one table cell and searched for exactly).</li>
 * <li>A log text: at most {@value HistoryWriter#MAX_TEXT} characters, one line: no control
 * character but tab (PostgreSQL cannot even store NUL).</li>
 * <li>A value may be NaN or infinite: a sensor fault is often reported as NaN with a Bad quality,
 * and the history must show what the source said. Both databases store them.</li>
 * <li>A quality is an OPC UA StatusCode: an unsigned 32-bit number.</li>
 * </ul>
 */
final class StoreRowRules {
    private StoreRowRules() {
    }

    /** What is wrong with the row, or null when it may be stored. */
    static String problem(Row.Kind kind, String name, String text, long quality) {
        String what = kind == Row.Kind.TAG ? "the tag name" : "the log source";
        if (name == null || name.isEmpty()) {
            return what + " is empty";
        }
        if (name.length() > HistoryWriter.MAX_NAME) {
            return what + " is " + name.length() + " characters long, at most " + HistoryWriter.MAX_NAME;
        }
        int bad = controlCharacter(name, false);
        if (bad >= 0) {
            return what + " '" + printable(name) + "' holds the control character U+"
                    + String.format("%04X", (int) name.charAt(bad)) + " at " + (bad + 1);
        }
        if (text == null) {
            return "the log text is missing";
        }
        if (text.length() > HistoryWriter.MAX_TEXT) {
            return "the log text is " + text.length() + " characters long, at most " + HistoryWriter.MAX_TEXT;
        }
        bad = controlCharacter(text, true);
        if (bad >= 0) {
            return "the log text holds the control character U+" + String.format("%04X", (int) text.charAt(bad))
                    + " at " + (bad + 1) + " (a log entry is one line)";
        }
        if (kind == Row.Kind.TAG && !text.isEmpty()) {
            return "a tag value has no text";
        }
        if (quality < 0 || quality > 0xFFFF_FFFFL) {
            return "the quality " + quality + " is not an OPC UA StatusCode (0 to 4294967295)";
        }
        return null;
    }

    static String problem(Row row) {
        return problem(row.kind(), row.name(), row.text(), row.quality());
    }

    private static int controlCharacter(String s, boolean tabAllowed) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) && !(tabAllowed && c == '\t')) {
                return i;
            }
        }
        return -1;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 60; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }
}
