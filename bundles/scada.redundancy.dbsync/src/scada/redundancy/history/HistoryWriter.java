package scada.redundancy.history;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * Records tag values and log entries in this server's history store. A service that exists
 * while the store is open; every method returns at once.
 * <p>
 * The returned stage completes when the row is committed to the local store (asynchronous
 * mode), or also to every connected partner that synchronises (synchronous mode, bounded by
 * its timeout). It fails with a {@link HistoryException} when the row is refused: an invalid
 * row, or the store cannot keep up and its bounded queue is full (the caller decides whether to
 * drop, retry or raise an alarm — nothing is queued without bound).
 */
public interface HistoryWriter {
    /** The longest tag name, log source or log text, in characters. */
    int MAX_NAME = 200;
    int MAX_TEXT = 2000;

    /**
     * @param tag        the tag's name in the project
     * @param sourceTime when the value was sampled at its source
     * @param value      the value
     * @param quality    the OPC UA StatusCode of the value (0 = Good)
     */
    CompletionStage<Void> tagValue(String tag, Instant sourceTime, double value, long quality);

    /**
     * @param time     when it happened
     * @param severity how serious it is
     * @param source   who reported it (an alarm's tag, a user, a service)
     * @param text     what happened, one line
     */
    CompletionStage<Void> logEntry(Instant time, Severity severity, String source, String text);
}
