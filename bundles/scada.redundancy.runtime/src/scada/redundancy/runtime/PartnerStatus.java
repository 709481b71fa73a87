package scada.redundancy.runtime;

import java.util.Objects;

/**
 * The live status of one partner, as this server sees it: the status columns of the Partners
 * table plus what an operator needs to judge the link. Build one with {@link #builder()} (or
 * change one with {@link #toBuilder()}): a field added later then touches only this record, its
 * builder and the JSON, not every caller.
 *
 * @param no                 the partner's No
 * @param symbol             the configured Symbol
 * @param address            IP:port
 * @param activate           whether the link to it is enabled
 * @param connected          the link is up: authenticated, handshake done, heartbeats arriving within Timeout
 * @param isPrimary          the partner reports itself primary (in its last heartbeat, within Timeout)
 * @param fault              a fault is detected (retries exhausted, authentication failed, reports itself unhealthy)
 * @param faultReason        why, in plain words, or empty
 * @param role               the partner's reported role, OFFLINE when not heard within Timeout, NOT_HEARD before its first heartbeat
 * @param term               the partner's reported term, or -1
 * @param health             the partner's reported health 0..100, or -1
 * @param lastHeartbeatAgeMs ms since its last heartbeat, or -1 if none yet
 * @param rttMs              the last measured round-trip time in ms (fractional), or -1
 * @param retries            failed reconnect attempts since the link was lost
 * @param nextRetryInMs      ms until the next background reconnect attempt, or -1 if none is due (connected, or
 *                           the link is off); after Fault it shows the slow retry interval
 * @param database           the partner's Database column: what this server's {@link StatusContribution}s say
 *                           of it, or {@link #NOT_INSTALLED} when none does (no DB sync installed)
 * @param verified           the result of the last Verify with this partner
 * @param peerFingerprint    the SHA-256 fingerprint of the certificate the partner presented, or empty
 */
public record PartnerStatus(int no, String symbol, String address, boolean activate, boolean connected,
        boolean isPrimary, boolean fault, String faultReason, PartnerRole role, long term, int health,
        long lastHeartbeatAgeMs, double rttMs, int retries, long nextRetryInMs, String database, Verification verified,
        String peerFingerprint) {

    /** The Database columns while no contribution says anything about the database (DB sync not installed). */
    public static final String NOT_INSTALLED = "not installed";

    public PartnerStatus {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(faultReason, "faultReason");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(verified, "verified");
        Objects.requireNonNull(peerFingerprint, "peerFingerprint");
    }

    /** A partner nothing is known of yet: never heard, -1 for every measure, database not installed, not checked. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this status, to change a few fields. */
    public Builder toBuilder() {
        return new Builder().no(no).symbol(symbol).address(address).activate(activate).connected(connected)
                .isPrimary(isPrimary).fault(fault).faultReason(faultReason).role(role).term(term).health(health)
                .lastHeartbeatAgeMs(lastHeartbeatAgeMs).rttMs(rttMs).retries(retries).nextRetryInMs(nextRetryInMs)
                .database(database).verified(verified).peerFingerprint(peerFingerprint);
    }

    /** Builds a {@link PartnerStatus}; see the record's components for each field. */
    public static final class Builder {
        private int no;
        private String symbol = "";
        private String address = "";
        private boolean activate;
        private boolean connected;
        private boolean isPrimary;
        private boolean fault;
        private String faultReason = "";
        private PartnerRole role = PartnerRole.NOT_HEARD;
        private long term = -1;
        private int health = -1;
        private long lastHeartbeatAgeMs = -1;
        private double rttMs = -1;
        private int retries;
        private long nextRetryInMs = -1;
        private String database = NOT_INSTALLED;
        private Verification verified = Verification.NOT_CHECKED;
        private String peerFingerprint = "";

        private Builder() {
        }

        public Builder no(int no) {
            this.no = no;
            return this;
        }

        public Builder symbol(String symbol) {
            this.symbol = symbol;
            return this;
        }

        public Builder address(String address) {
            this.address = address;
            return this;
        }

        public Builder activate(boolean activate) {
            this.activate = activate;
            return this;
        }

        public Builder connected(boolean connected) {
            this.connected = connected;
            return this;
        }

        public Builder isPrimary(boolean isPrimary) {
            this.isPrimary = isPrimary;
            return this;
        }

        public Builder fault(boolean fault) {
            this.fault = fault;
            return this;
        }

        public Builder faultReason(String faultReason) {
            this.faultReason = faultReason;
            return this;
        }

        public Builder role(PartnerRole role) {
            this.role = role;
            return this;
        }

        public Builder term(long term) {
            this.term = term;
            return this;
        }

        public Builder health(int health) {
            this.health = health;
            return this;
        }

        public Builder lastHeartbeatAgeMs(long lastHeartbeatAgeMs) {
            this.lastHeartbeatAgeMs = lastHeartbeatAgeMs;
            return this;
        }

        public Builder rttMs(double rttMs) {
            this.rttMs = rttMs;
            return this;
        }

        public Builder retries(int retries) {
            this.retries = retries;
            return this;
        }

        public Builder nextRetryInMs(long nextRetryInMs) {
            this.nextRetryInMs = nextRetryInMs;
            return this;
        }

        public Builder database(String database) {
            this.database = database;
            return this;
        }

        public Builder verified(Verification verified) {
            this.verified = verified;
            return this;
        }

        public Builder peerFingerprint(String peerFingerprint) {
            this.peerFingerprint = peerFingerprint;
            return this;
        }

        public PartnerStatus build() {
            return new PartnerStatus(no, symbol, address, activate, connected, isPrimary, fault, faultReason, role, term,
                    health, lastHeartbeatAgeMs, rttMs, retries, nextRetryInMs, database, verified, peerFingerprint);
        }
    }
}
