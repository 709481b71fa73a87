package scada.redundancy.opcua.client;

import java.time.Duration;
import java.time.Instant;

/**
 * The client moved its subscription from one server to another (or back to the same one after
 * it was lost and came back first).
 *
 * @param from   the endpoint URL of the server it left
 * @param to     the endpoint URL of the server it moved to
 * @param reason why, in plain words: "connection lost", "ServiceLevel 250 -> 0 (Maintenance)", …
 * @param at     when it decided to move
 * @param gap    from the last value received from {@code from} to the first good value received
 *               from {@code to}; null when unknown (no tags subscribed, no value before the move, or
 *               no good value came before the next move or the close)
 */
public record Switch(String from, String to, String reason, Instant at, Duration gap) {
}
