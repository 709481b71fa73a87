package scada.redundancy.runtime;

import java.util.List;

/**
 * The live status of this server: the status columns of the This SCADA row, its partners and
 * the record of its role changes.
 *
 * @param symbol           this server's Symbol
 * @param address          the redundancy endpoint, IP:port, or empty when redundancy is off
 * @param activate         This SCADA's Activate
 * @param role             the current role
 * @param term             the current term (persisted)
 * @param health           this server's health 0..100
 * @param starting         still within the startup allowance
 * @param connectedServer  how many activated partners are connected, e.g. "1/1"
 * @param connectedClients monitoring clients connected over the redundancy port
 * @param database         DB sync status ("n/a" while DB sync is not running)
 * @param verified         "verified" if every activated partner verified, else "not verified" or "not checked"
 * @param fingerprint      the SHA-256 fingerprint of this server's link certificate
 * @param partners         one entry per configured partner, in configuration order
 * @param roleChanges      the last role changes, oldest first
 * @param note             a plain sentence when something needs the operator ("redundancy off", a pending certificate, ...), or empty
 */
public record RedundancyStatus(String symbol, String address, boolean activate, Role role, long term, int health,
        boolean starting, String connectedServer, int connectedClients, String database, String verified,
        String fingerprint, List<PartnerStatus> partners, List<RoleChange> roleChanges, String note) {

    public RedundancyStatus {
        partners = List.copyOf(partners);
        roleChanges = List.copyOf(roleChanges);
    }
}
