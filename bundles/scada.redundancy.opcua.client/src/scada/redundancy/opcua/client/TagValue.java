package scada.redundancy.opcua.client;

import java.time.Instant;

/**
 * One value of a subscribed tag, as a server sent it.
 *
 * @param server     the endpoint URL of the server that sent it
 * @param tag        the tag name or node id as given to the builder
 * @param value      the Java value (Boolean, Integer, Double, String …), null when the status is bad
 * @param statusCode the OPC UA status code (0 = Good; see {@link #good()})
 * @param statusName the status code's symbolic name, e.g. {@code Good} or {@code Bad_NoCommunication}
 * @param sourceTime when the source (the PLC) produced it; null when the server sent none
 * @param receivedAt when this client received it
 */
public record TagValue(String server, String tag, Object value, long statusCode, String statusName, Instant sourceTime,
        Instant receivedAt) {

    /** Whether the status code is Good (its two top bits are 0). */
    public boolean good() {
        return (statusCode & 0xC0000000L) == 0;
    }
}
