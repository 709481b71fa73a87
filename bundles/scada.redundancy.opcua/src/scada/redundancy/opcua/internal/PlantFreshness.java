package scada.redundancy.opcua.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import scada.redundancy.plant.Quality;
import scada.redundancy.plant.TagValue;
import scada.redundancy.plant.TagValues;
import scada.redundancy.project.Plc;
import scada.redundancy.project.Project;
import scada.redundancy.project.Tag;

/**
 * How fresh the plant's values on this server are, for the ServiceLevel: a tag is fresh while its
 * value is Good and younger than {@value #POLLS} of its poll periods plus its PLC's read timeout
 * (the plant stamps every poll's answer, changed or not, so one late or lost poll is no alarm).
 * <p>
 * A server that has just become primary has nothing fresh yet: its first polls (a connect in cold
 * standby, then one poll period) are under way. For {@link #grace} after it began serving, tags
 * without a fresh value count as pending, and the data as {@link DataFreshness#PARTIAL} (a
 * degraded primary, still above every backup) rather than {@link DataFreshness#NONE} (NoData,
 * below them): clients need not leave the new primary for a backup while it takes over. Pure
 * except for the clock passed in.
 */
final class PlantFreshness {
    /** How many poll periods a Good value stays fresh. */
    static final int POLLS = 3;

    private PlantFreshness() {
    }

    /**
     * @param values       the plant's values on this server, or null when there is no plant
     * @param now          the time to judge ages at
     * @param servingSince when this server last became primary (or standalone), null when it is not serving
     */
    static DataFreshness judge(TagValues values, Instant now, Instant servingSince) {
        if (values == null) {
            return DataFreshness.NOT_TRACKED;
        }
        Project project = values.project();
        if (project == null || project.tags().isEmpty()) {
            return DataFreshness.NOT_TRACKED;
        }
        Map<String, Plc> plcs = new HashMap<>();
        project.plcs().forEach(p -> plcs.put(p.name(), p));
        int fresh = 0;
        int pending = 0;
        for (Tag tag : project.tags()) {
            Plc plc = plcs.get(tag.plc());
            TagValue v = values.current(tag.name()).orElse(null);
            if (v != null && isFresh(tag, plc, v, now)) {
                fresh++;
            } else if (servingSince != null && now.isBefore(servingSince.plus(grace(tag, plc)))) {
                pending++;
            }
        }
        int all = project.tags().size();
        if (fresh == all) {
            return DataFreshness.FRESH;
        }
        return fresh == 0 && pending == 0 ? DataFreshness.NONE : DataFreshness.PARTIAL;
    }

    static boolean isFresh(Tag tag, Plc plc, TagValue value, Instant now) {
        if (!Quality.isGood(value.quality())) {
            return false;
        }
        long limitMs = (long) POLLS * tag.pollMs() + (plc == null ? Plc.DEFAULT_READ_TIMEOUT_MS : plc.readTimeoutMs());
        return !value.sourceTime().plusMillis(limitMs).isBefore(now);
    }

    /** How long a new primary may take to read {@code tag} first: connect, then a poll period and its answer. */
    static Duration grace(Tag tag, Plc plc) {
        int connect = plc == null ? Plc.DEFAULT_CONNECT_TIMEOUT_MS : plc.connectTimeoutMs();
        int read = plc == null ? Plc.DEFAULT_READ_TIMEOUT_MS : plc.readTimeoutMs();
        return Duration.ofMillis(connect + (long) POLLS * tag.pollMs() + read);
    }
}
