package scada.redundancy.model;

/**
 * What happens when a repaired server that had been primary comes back while another server has
 * taken over: it never takes the role back by surprise.
 */
public enum Failback {
    /** The repaired server stays backup until an operator hands the role over. */
    MANUAL("manual"),
    /** The repaired server takes the primary role back once it has been healthy and connected for one Timeout. */
    AUTOMATIC("automatic");

    private final String jsonName;

    Failback(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    /** The value for a file's text, or {@code null} if none matches. */
    public static Failback byJsonName(String text) {
        for (Failback f : values()) {
            if (f.jsonName.equals(text)) {
                return f;
            }
        }
        return null;
    }
}
