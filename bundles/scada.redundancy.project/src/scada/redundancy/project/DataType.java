package scada.redundancy.project;

/** How a tag's raw Modbus value is decoded. 32-bit types take two registers, high word first. */
public enum DataType {
    BOOL("bool", 1), INT16("int16", 1), UINT16("uint16", 1), INT32("int32", 2), FLOAT32("float32", 2);

    private final String jsonName;
    private final int registers;

    DataType(String jsonName, int registers) {
        this.jsonName = jsonName;
        this.registers = registers;
    }

    public String jsonName() {
        return jsonName;
    }

    /** How many registers (or bits, for a bool in a bit area) the value takes. */
    public int registers() {
        return registers;
    }

    /**
     * The raw value held by {@code words} (16-bit registers, high word first), as a number.
     *
     * @param words at least {@link #registers()} values, each 0..65535
     */
    public double decode(int[] words, int from) {
        int hi = words[from] & 0xFFFF;
        return switch (this) {
        case BOOL -> hi != 0 ? 1 : 0;
        case INT16 -> (short) hi;
        case UINT16 -> hi;
        case INT32 -> (hi << 16) | (words[from + 1] & 0xFFFF);
        case FLOAT32 -> Float.intBitsToFloat((hi << 16) | (words[from + 1] & 0xFFFF));
        };
    }

    /** The registers that hold {@code value} (the inverse of {@link #decode}), for simulators and writes. */
    public int[] encode(double value) {
        return switch (this) {
        case BOOL -> new int[] { value != 0 ? 1 : 0 };
        case INT16, UINT16 -> new int[] { ((int) Math.round(value)) & 0xFFFF };
        case INT32 -> {
            int v = (int) Math.round(value);
            yield new int[] { (v >>> 16) & 0xFFFF, v & 0xFFFF };
        }
        case FLOAT32 -> {
            int v = Float.floatToIntBits((float) value);
            yield new int[] { (v >>> 16) & 0xFFFF, v & 0xFFFF };
        }
        };
    }

    public static DataType ofJsonName(String name) {
        for (DataType t : values()) {
            if (t.jsonName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
