package scada.redundancy.dbsync.internal;

import java.util.Objects;

/**
 * Rows of an origin that this store lacks and can no longer get: no partner holds them any
 * more. Recorded once, listed to the operator, never filled silently.
 *
 * @param origin         whose rows
 * @param fromSeq        the first missing seq
 * @param toSeq          the last missing seq (inclusive)
 * @param fromTimeMicros the time of the last row held before the gap, or -1 if unknown
 * @param toTimeMicros   the time of the first row held after the gap, or -1 if unknown
 * @param reason         why, in plain words ("purged on B by retention before it reached A")
 * @param recordedMicros when this store recorded it
 */
public record Gap(String origin, long fromSeq, long toSeq, long fromTimeMicros, long toTimeMicros, String reason,
        long recordedMicros) {
    public Gap {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(reason, "reason");
        if (fromSeq < 1 || toSeq < fromSeq) {
            throw new IllegalArgumentException("a gap runs from seq " + fromSeq + " to " + toSeq);
        }
    }

    public long rows() {
        return toSeq - fromSeq + 1;
    }
}
