package scada.redundancy.plant;

/**
 * The OPC UA StatusCodes the plant's values carry (OPC UA Part 6, Annex A.2). The top two bits
 * give the severity: 00 Good, 01 Uncertain, 10 Bad.
 */
public final class Quality {
    public static final long GOOD = 0L;
    /** Polled here until this server stopped polling (it is no longer primary): the last value read. */
    public static final long UNCERTAIN_LAST_USABLE_VALUE = 0x40900000L;
    /** The PLC cannot be reached (connection refused or lost). */
    public static final long BAD_COMMUNICATION_ERROR = 0x80050000L;
    /** The PLC did not answer within the read timeout. */
    public static final long BAD_TIMEOUT = 0x800A0000L;
    /** The PLC answered with a Modbus exception (e.g. an illegal address). */
    public static final long BAD_DEVICE_FAILURE = 0x808B0000L;
    /** Not read yet on this server (a backup never polls in cold standby). */
    public static final long BAD_WAITING_FOR_INITIAL_DATA = 0x80320000L;

    private Quality() {
    }

    public static boolean isGood(long quality) {
        return (quality & 0xC0000000L) == 0;
    }

    public static boolean isUncertain(long quality) {
        return (quality & 0xC0000000L) == 0x40000000L;
    }

    public static boolean isBad(long quality) {
        return (quality & 0x80000000L) != 0;
    }

    /** The standard name of a code this class defines, else its hex form. */
    public static String name(long quality) {
        if (quality == GOOD) {
            return "Good";
        } else if (quality == UNCERTAIN_LAST_USABLE_VALUE) {
            return "UncertainLastUsableValue";
        } else if (quality == BAD_COMMUNICATION_ERROR) {
            return "BadCommunicationError";
        } else if (quality == BAD_TIMEOUT) {
            return "BadTimeout";
        } else if (quality == BAD_DEVICE_FAILURE) {
            return "BadDeviceFailure";
        } else if (quality == BAD_WAITING_FOR_INITIAL_DATA) {
            return "BadWaitingForInitialData";
        }
        return String.format("0x%08X", quality);
    }
}
