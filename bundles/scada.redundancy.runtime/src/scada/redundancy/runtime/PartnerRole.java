package scada.redundancy.runtime;

import java.util.Locale;
import java.util.Optional;

/**
 * A partner's role as this server sees it: the role it reported in its last heartbeat while it
 * is heard, {@link #OFFLINE} once it is not heard within Timeout, {@link #NOT_HEARD} before its
 * first heartbeat.
 */
public enum PartnerRole {
    PRIMARY,
    BACKUP,
    STANDALONE,
    FAULT,
    /** Reported a role once, but has not been heard within Timeout. */
    OFFLINE,
    /** Never heard since this server started (or since its row was configured). */
    NOT_HEARD;

    /** The partner is heard and reports {@code role}. */
    public static PartnerRole heard(Role role) {
        return valueOf(role.name());
    }

    /** The name in the status JSON: a {@link Role#jsonName()}, {@code offline}, or empty for NOT_HEARD. */
    public String jsonName() {
        return this == NOT_HEARD ? "" : name().toLowerCase(Locale.ROOT);
    }

    /** The value of {@link #jsonName()}; a name this version does not know (a newer server's) reads as NOT_HEARD. */
    public static PartnerRole fromJsonName(String name) {
        for (PartnerRole r : values()) {
            if (r.jsonName().equals(name)) {
                return r;
            }
        }
        return NOT_HEARD;
    }

    /** The role the partner reports while it is heard; empty when OFFLINE or NOT_HEARD. */
    public Optional<Role> reported() {
        return this == OFFLINE || this == NOT_HEARD ? Optional.empty() : Optional.of(Role.valueOf(name()));
    }
}
