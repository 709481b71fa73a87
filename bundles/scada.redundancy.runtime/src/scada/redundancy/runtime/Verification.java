package scada.redundancy.runtime;

import java.util.Locale;

/** The result of Verify (the two configurations compared), per partner and for this server as a whole. */
public enum Verification {
    /** Verify found the two configurations fit together (for this server: every activated partner did). */
    VERIFIED,
    /** Verify found differences (for this server: at least one partner did). */
    NOT_VERIFIED,
    /** Verify has not run since the link came up, or there is nothing to verify. */
    NOT_CHECKED;

    /** The name in the status JSON: {@code verified}, {@code not verified}, {@code not checked}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The value of {@link #jsonName()}; a name this version does not know (a newer server's) reads as NOT_CHECKED. */
    public static Verification fromJsonName(String name) {
        for (Verification v : values()) {
            if (v.jsonName().equals(name)) {
                return v;
            }
        }
        return NOT_CHECKED;
    }
}
