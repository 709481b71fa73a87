package scada.redundancy.runtime;

import java.util.Locale;

/** Why a role changed. */
public enum RoleChangeCause {
    /** Startup: the allowance passed (or every partner answered) and no primary was seen. */
    STARTUP_ELECTION,
    /** Startup: a running primary was seen; this server joins as backup. */
    JOINED_AS_BACKUP,
    /** The primary was silent for Timeout ms. */
    TIMEOUT,
    /** No live server was primary (e.g. the primary stepped down) and this server ranks first. */
    ELECTION,
    /** The primary's link was reset and its host refused the reconnect: its process is gone. */
    CONNECTION_REFUSED,
    /** The primary handed over on a graceful stop or on request. */
    GRACEFUL_HANDOVER,
    /** This server handed the role over (graceful stop or request). */
    HANDED_OVER,
    /** A primary learned of a higher term and stepped down. */
    HIGHER_TERM,
    /** Two primaries met with the same term; the one whose Symbol sorts later stepped down. */
    DUAL_PRIMARY_RESOLVED,
    /** A primary of a set of three or more heard no majority of the set for a Timeout and stepped down. */
    NO_MAJORITY,
    /** An operator asked for it. */
    MANUAL,
    /** Automatic fail-back to this repaired server. */
    FAILBACK,
    /** This SCADA's Activate was turned off (standalone) or on. */
    REDUNDANCY_SWITCHED,
    /** This server's health dropped below the threshold. */
    UNHEALTHY,
    /** This server's health rose above the threshold again. */
    HEALTH_RESTORED,
    /** The redundancy service stopped. */
    SHUTDOWN;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
