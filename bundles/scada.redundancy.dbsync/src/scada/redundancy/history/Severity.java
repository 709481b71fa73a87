package scada.redundancy.history;

/** How serious a log entry is; the code is what the store and the link carry. */
public enum Severity {
    DEBUG(10), INFO(20), WARNING(30), ALARM(40), CRITICAL(50), AUDIT(60);

    private final int code;

    Severity(int code) {
        this.code = code;
    }

    /** The stable number stored and sent for this severity. */
    public int code() {
        return code;
    }

    /** The severity stored as {@code code}. */
    public static Severity ofCode(int code) {
        for (Severity s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("no severity has the code " + code);
    }
}
