package scada.redundancy.plant;

import java.time.Instant;

/**
 * A tag's value at one moment.
 *
 * @param tag        the tag's name in the project
 * @param value      the engineering value (scaled; a bool is 0 or 1); NaN when no value was ever read
 * @param quality    an OPC UA StatusCode, see {@link Quality}
 * @param sourceTime when the PLC's answer arrived (Modbus carries no time stamp), or when the
 *                   quality last changed if the PLC did not answer
 */
public record TagValue(String tag, double value, long quality, Instant sourceTime) {
    public boolean isGood() {
        return Quality.isGood(quality);
    }
}
