package scada.redundancy.opcua.internal;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the OPC UA server needs from the plant's tags: the seam where the project's tag-values
 * service plugs in. A {@code TagSource} registered as an OSGi service (whiteboard, at most one is
 * used: the one with the highest ranking) becomes a folder "Tags" of variables, one per tag, with
 * its live value, quality and source timestamp, and its {@link #freshness()} feeds the
 * ServiceLevel. Until the project's service exists, tests register one of their own.
 * <p>
 * Contract: {@link #tags()} is stable while the source is registered (a changed project
 * re-registers the service); {@link #current} and {@link #freshness()} return at once;
 * listeners are called on the source's thread and must not block it (this server only hands the
 * sample to its own thread).
 */
public interface TagSource {

    /** The tags, in the order they are shown. */
    List<Tag> tags();

    /** The tag's newest sample, or empty before its first. */
    Optional<Sample> current(String tag);

    /** How fresh this source's data is, judged by its poll rates. */
    DataFreshness freshness();

    /** Hears every new sample (and every freshness change) until the returned handle is closed. */
    Subscription listen(Listener listener);

    /** A tag of the project. */
    record Tag(String name, Type type, String description) {
        public Tag {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(description, "description");
        }
    }

    /** The OPC UA data types a tag can have. */
    enum Type {
        BOOLEAN, INT32, DOUBLE, STRING
    }

    /** The quality of a sample, as OPC UA's status code families. */
    enum Quality {
        GOOD, UNCERTAIN, BAD
    }

    /**
     * One value of a tag.
     *
     * @param value      a Boolean, Integer, Double or String as the tag's type says; null with BAD
     * @param quality    how far the value can be trusted
     * @param sourceTime when the PLC (or the source) produced it
     */
    record Sample(Object value, Quality quality, Instant sourceTime) {
        public Sample {
            Objects.requireNonNull(quality, "quality");
            Objects.requireNonNull(sourceTime, "sourceTime");
        }
    }

    /** Called by the source; must return at once. */
    interface Listener {
        void sampled(String tag, Sample sample);

        default void freshnessChanged(DataFreshness freshness) {
        }
    }

    /** Stops a {@link #listen} subscription. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
