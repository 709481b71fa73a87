package scada.redundancy.project;

/**
 * A tag: a named value read from a PLC.
 *
 * @param name        unique in the project, e.g. "boiler/temperature"
 * @param plc         the name of the {@link Plc} it is read from
 * @param area        the Modbus data area
 * @param offset      0-based address in the area
 * @param type        how the raw value is decoded
 * @param scaling     raw to engineering value
 * @param pollMs      how often it is read
 * @param unit        the engineering unit, or empty
 * @param description what it is, or empty
 */
public record Tag(String name, String plc, Area area, int offset, DataType type, Scaling scaling, int pollMs, String unit,
        String description) {

    /** How many registers or bits the tag spans from its offset. */
    public int span() {
        return area.isBits() ? 1 : type.registers();
    }

    /** "holding-register 4" */
    public String address() {
        return area.jsonName() + " " + offset;
    }
}
