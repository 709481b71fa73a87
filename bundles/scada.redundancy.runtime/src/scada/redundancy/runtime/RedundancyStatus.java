package scada.redundancy.runtime;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;

/**
 * The live status of this server: the status columns of the This SCADA row, its partners and
 * the record of its role changes. Build one with {@link #builder()} (or change one with
 * {@link #toBuilder()}): a field added later then touches only this record, its builder and the
 * JSON, not every caller.
 *
 * @param symbol           this server's Symbol
 * @param address          the redundancy endpoint, IP:port, or empty when redundancy is off
 * @param activate         This SCADA's Activate
 * @param role             the current role
 * @param term             the current term (persisted)
 * @param health           this server's health 0..100
 * @param starting         still within the startup allowance
 * @param connectedServer  how many activated partners are connected, e.g. "1/1"
 * @param connectedClients the clients connected to this server: monitoring clients over the redundancy port
 *                         and the clients the {@link StatusContribution}s count (OPC UA sessions)
 * @param database         the This SCADA Database column: what the {@link StatusContribution}s say of this
 *                         server's database, or {@link PartnerStatus#NOT_INSTALLED} when none does
 * @param verified         VERIFIED if every activated partner verified, NOT_VERIFIED if any did not, else NOT_CHECKED
 * @param fingerprint      the SHA-256 fingerprint of this server's link certificate
 * @param partners         one entry per configured partner, in configuration order
 * @param roleChanges      the last role changes, oldest first
 * @param note             a plain sentence when something needs the operator ("redundancy off", a pending certificate,
 *                         a contribution's note, ...), or empty
 * @param contributors     the {@link StatusContribution#source() sources} of the status contributions in force, sorted
 * @param loopLateP99Ms    how late the redundancy thread ran its watchdog tick (every shortest Period), 99th
 *                         percentile since start, in ms: how long its decisions can wait behind a stall
 * @param loopLateMaxMs    the same, the worst since start
 * @param details          lines a contribution offers on demand, by its source (DB sync: every gap that can no
 *                         longer be filled), bounded by {@link StatusContribution#MAX_DETAILS} lines each; shown by
 *                         {@code status --json} and the commands that print them, never in the note
 * @param clients          the connected clients by name, each "KIND NAME", e.g. "monitor 10.0.0.9:51234" or
 *                         "opcua hmi-1 (10.0.0.7)": at most {@link #MAX_CLIENTS} of them (connectedClients
 *                         counts them all)
 */
public record RedundancyStatus(String symbol, String address, boolean activate, Role role, long term, int health,
        boolean starting, String connectedServer, int connectedClients, String database, Verification verified,
        String fingerprint, List<PartnerStatus> partners, List<RoleChange> roleChanges, String note,
        List<String> contributors, long loopLateP99Ms, long loopLateMaxMs, Map<String, List<String>> details,
        List<String> clients) {
    /** The most client names a status lists, whatever a contribution or a peer's JSON holds. */
    public static final int MAX_CLIENTS = 100;

    public RedundancyStatus {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(connectedServer, "connectedServer");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(verified, "verified");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(note, "note");
        partners = List.copyOf(partners);
        roleChanges = List.copyOf(roleChanges);
        contributors = List.copyOf(contributors);
        Map<String, List<String>> d = new TreeMap<>();
        details.forEach((k, v) -> d.put(k, List.copyOf(v)));
        details = Collections.unmodifiableMap(d);
        clients = List.copyOf(clients.size() > MAX_CLIENTS ? clients.subList(0, MAX_CLIENTS) : clients);
    }

    /** A status with empty texts, role BACKUP, term 0, health 100, no partners, database not installed, not checked. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this status, to change a few fields. */
    public Builder toBuilder() {
        return new Builder().symbol(symbol).address(address).activate(activate).role(role).term(term).health(health)
                .starting(starting).connectedServer(connectedServer).connectedClients(connectedClients)
                .database(database).verified(verified).fingerprint(fingerprint).partners(partners)
                .roleChanges(roleChanges).note(note).contributors(contributors).loopLate(loopLateP99Ms, loopLateMaxMs).details(details)
                .clients(clients);
    }

    /** Builds a {@link RedundancyStatus}; see the record's components for each field. */
    public static final class Builder {
        private String symbol = "";
        private String address = "";
        private boolean activate;
        private Role role = Role.BACKUP;
        private long term;
        private int health = 100;
        private boolean starting;
        private String connectedServer = "";
        private int connectedClients;
        private String database = PartnerStatus.NOT_INSTALLED;
        private Verification verified = Verification.NOT_CHECKED;
        private String fingerprint = "";
        private List<PartnerStatus> partners = List.of();
        private List<RoleChange> roleChanges = List.of();
        private String note = "";
        private List<String> contributors = List.of();
        private long loopLateP99Ms;
        private long loopLateMaxMs;
        private Map<String, List<String>> details = Map.of();
        private List<String> clients = List.of();

        private Builder() {
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

        public Builder role(Role role) {
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

        public Builder starting(boolean starting) {
            this.starting = starting;
            return this;
        }

        public Builder connectedServer(String connectedServer) {
            this.connectedServer = connectedServer;
            return this;
        }

        public Builder connectedClients(int connectedClients) {
            this.connectedClients = connectedClients;
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

        public Builder fingerprint(String fingerprint) {
            this.fingerprint = fingerprint;
            return this;
        }

        public Builder partners(List<PartnerStatus> partners) {
            this.partners = partners;
            return this;
        }

        public Builder roleChanges(List<RoleChange> roleChanges) {
            this.roleChanges = roleChanges;
            return this;
        }

        public Builder note(String note) {
            this.note = note;
            return this;
        }

        /** The contributions' on-demand lines, by source. */
        public Builder details(Map<String, List<String>> details) {
            this.details = details;
            return this;
        }

        public Builder contributors(List<String> contributors) {
            this.contributors = contributors;
            return this;
        }

        public Builder loopLate(long p99Ms, long maxMs) {
            this.loopLateP99Ms = p99Ms;
            this.loopLateMaxMs = maxMs;
            return this;
        }

        /** The connected clients by name (see the record's {@code clients}). */
        public Builder clients(List<String> clients) {
            this.clients = clients;
            return this;
        }

        public RedundancyStatus build() {
            return new RedundancyStatus(symbol, address, activate, role, term, health, starting, connectedServer,
                    connectedClients, database, verified, fingerprint, partners, roleChanges, note, contributors,
                    loopLateP99Ms, loopLateMaxMs, details, clients);
        }
    }
}
