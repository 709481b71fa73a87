package scada.redundancy.dbsync.internal;

import java.util.Objects;

import scada.redundancy.history.Severity;

/**
 * One stored row, tag value or log entry, with its identity: the store it was first written to
 * ({@code origin}) and its number there ({@code seq}, 1, 2, 3, … without holes). A row is
 * never changed once written; the same identity always means the same row, so applying it
 * twice changes nothing.
 *
 * @param origin   the origin store's id (see {@link ReplicaStore#origin()})
 * @param seq      the row's number in its origin, from 1
 * @param kind     tag value or log entry
 * @param timeMicros the source time (tag) or event time (log), microseconds since the epoch
 * @param name     the tag (TAG) or the log source (LOG)
 * @param value    the value (TAG), 0 for LOG
 * @param quality  the OPC UA StatusCode (TAG), 0 for LOG
 * @param severity the severity (LOG), null for TAG
 * @param text     the log text (LOG), empty for TAG
 */
public record Row(String origin, long seq, Kind kind, long timeMicros, String name, double value, long quality,
        Severity severity, String text) {

    /** What a row records. */
    public enum Kind {
        TAG, LOG
    }

    public Row {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
        if (seq < 1) {
            throw new IllegalArgumentException("a row's seq starts at 1, not " + seq);
        }
        if ((kind == Kind.LOG) != (severity != null)) {
            throw new IllegalArgumentException("a log entry has a severity and a tag value has none");
        }
    }

    public static Row tag(String origin, long seq, long timeMicros, String tag, double value, long quality) {
        return new Row(origin, seq, Kind.TAG, timeMicros, tag, value, quality, null, "");
    }

    public static Row log(String origin, long seq, long timeMicros, Severity severity, String source, String text) {
        return new Row(origin, seq, Kind.LOG, timeMicros, source, 0, 0, severity, text);
    }
}
