package scada.redundancy.project;

/** The four Modbus data areas. */
public enum Area {
    COIL("coil", true), DISCRETE_INPUT("discrete-input", true), INPUT_REGISTER("input-register", false),
    HOLDING_REGISTER("holding-register", false);

    private final String jsonName;
    private final boolean bits;

    Area(String jsonName, boolean bits) {
        this.jsonName = jsonName;
        this.bits = bits;
    }

    /** The name in a tags file. */
    public String jsonName() {
        return jsonName;
    }

    /** Coils and discrete inputs hold bits; the other two, 16-bit registers. */
    public boolean isBits() {
        return bits;
    }

    public static Area ofJsonName(String name) {
        for (Area a : values()) {
            if (a.jsonName.equals(name)) {
                return a;
            }
        }
        return null;
    }
}
