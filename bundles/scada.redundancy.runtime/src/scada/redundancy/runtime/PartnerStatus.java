package scada.redundancy.runtime;

/**
 * The live status of one partner, as this server sees it: the status columns of the Partners
 * table plus what an operator needs to judge the link.
 *
 * @param no                 the partner's No
 * @param symbol             the configured Symbol
 * @param address            IP:port
 * @param activate           whether the link to it is enabled
 * @param connected          the link is up: authenticated, handshake done, heartbeats arriving within Timeout
 * @param isPrimary          the partner reports itself primary (in its last heartbeat, within Timeout)
 * @param fault              a fault is detected (retries exhausted, authentication failed, reports itself unhealthy)
 * @param faultReason        why, in plain words, or empty
 * @param role               the partner's reported role, or empty if never heard
 * @param term               the partner's reported term, or -1
 * @param health             the partner's reported health 0..100, or -1
 * @param lastHeartbeatAgeMs ms since its last heartbeat, or -1 if none yet
 * @param rttMs              the last measured round-trip time in ms (fractional), or -1
 * @param retries            failed reconnect attempts since the link was lost
 * @param nextRetryInMs      ms until the next background reconnect attempt, or -1 if none is due (connected, or
 *                           the link is off); after Fault it shows the slow retry interval
 * @param database           the partner's DB sync status, or "n/a" while DB sync is not running
 * @param verified           the result of the last Verify: "verified", "not verified" or "not checked"
 * @param peerFingerprint    the SHA-256 fingerprint of the certificate the partner presented, or empty
 */
public record PartnerStatus(int no, String symbol, String address, boolean activate, boolean connected,
        boolean isPrimary, boolean fault, String faultReason, String role, long term, int health,
        long lastHeartbeatAgeMs, double rttMs, int retries, long nextRetryInMs, String database, String verified,
        String peerFingerprint) {
}
