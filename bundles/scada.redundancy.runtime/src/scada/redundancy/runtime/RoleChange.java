package scada.redundancy.runtime;

/**
 * The record of one role change: what changed, why and how long it took. Kept in the status (the
 * last few dozen) and logged as one line.
 *
 * @param atMillis               wall-clock time of the change (epoch ms)
 * @param from                   the previous role
 * @param to                     the new role
 * @param term                   the term after the change
 * @param cause                  why
 * @param peer                   the partner involved (the old primary, the successor, the server of the higher term), or empty
 * @param lastHeartbeatAtMillis  when the last heartbeat of the old primary arrived (epoch ms), or -1
 * @param detectedAtMillis       when its loss was detected (silence, refusal, hand-over message), or -1
 * @param becamePrimaryAtMillis  when this server became primary, or -1
 * @param failoverMs             last heartbeat of the old primary to becoming primary, in ms (from a monotonic clock), or -1
 * @param detail                 a sentence for the operator
 */
public record RoleChange(long atMillis, Role from, Role to, long term, RoleChangeCause cause, String peer,
        long lastHeartbeatAtMillis, long detectedAtMillis, long becamePrimaryAtMillis, long failoverMs,
        String detail) {

    /** One log line: {@code role-change backup->primary term=7 cause=timeout peer=SCADA-A failover_ms=3004 ...}. */
    public String toLogLine() {
        return "role-change " + from.jsonName() + "->" + to.jsonName() + " term=" + term + " cause=" + cause.jsonName()
                + (peer.isEmpty() ? "" : " peer=" + peer) + (failoverMs >= 0 ? " failover_ms=" + failoverMs : "")
                + (lastHeartbeatAtMillis >= 0 ? " last_heartbeat_at=" + lastHeartbeatAtMillis : "")
                + (detectedAtMillis >= 0 ? " detected_at=" + detectedAtMillis : "")
                + (becamePrimaryAtMillis >= 0 ? " primary_at=" + becamePrimaryAtMillis : "") + " : " + detail;
    }
}
