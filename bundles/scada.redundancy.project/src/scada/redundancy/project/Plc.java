package scada.redundancy.project;

/**
 * One Modbus TCP connection of the project: a PLC, or a gateway with a unit id behind it.
 *
 * @param connectTimeoutMs how long a connection attempt may take
 * @param readTimeoutMs    how long the PLC may take to answer one request
 */
public record Plc(String name, String host, int port, int unitId, int connectTimeoutMs, int readTimeoutMs) {
    public static final int DEFAULT_PORT = 502;
    public static final int DEFAULT_UNIT_ID = 1;
    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 2000;
    public static final int DEFAULT_READ_TIMEOUT_MS = 1000;

    /** host:port unit N, for messages. */
    public String describe() {
        return "PLC " + name + " (" + host + ":" + port + " unit " + unitId + ")";
    }
}
