package scada.redundancy.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The redundancy configuration of one server: the "This SCADA" row and the ordered "Partners"
 * rows. Immutable: an edit makes a new configuration, so that a runtime can swap a whole
 * configuration atomically and an editor can undo by keeping the previous one.
 */
public record RedundancyConfiguration(LocalServer thisScada, List<Partner> partners) {

    public RedundancyConfiguration {
        thisScada = Objects.requireNonNull(thisScada, "thisScada");
        partners = List.copyOf(partners);
    }

    /** A new configuration: this server with the defaults and no partner. */
    public static RedundancyConfiguration defaults() {
        return new RedundancyConfiguration(LocalServer.defaults(), List.of());
    }

    public RedundancyConfiguration withThisScada(LocalServer value) {
        return new RedundancyConfiguration(value, partners);
    }

    public RedundancyConfiguration withPartners(List<Partner> value) {
        return new RedundancyConfiguration(thisScada, value);
    }

    /** This configuration with the partner at {@code index} replaced. */
    public RedundancyConfiguration withPartner(int index, Partner value) {
        List<Partner> copy = new ArrayList<>(partners);
        copy.set(index, value);
        return withPartners(copy);
    }

    /** This configuration with a partner inserted at {@code index} (0 to size). */
    public RedundancyConfiguration withPartnerAdded(int index, Partner value) {
        List<Partner> copy = new ArrayList<>(partners);
        copy.add(index, value);
        return withPartners(copy);
    }

    /** This configuration without the partner at {@code index}. */
    public RedundancyConfiguration withPartnerRemoved(int index) {
        List<Partner> copy = new ArrayList<>(partners);
        copy.remove(index);
        return withPartners(copy);
    }

    /** This configuration with the partner at {@code from} moved to position {@code to}. */
    public RedundancyConfiguration withPartnerMoved(int from, int to) {
        List<Partner> copy = new ArrayList<>(partners);
        copy.add(to, copy.remove(from));
        return withPartners(copy);
    }

    /** The smallest No greater than every partner's No: the number a new row gets. */
    public int nextPartnerNo() {
        return partners.stream().mapToInt(Partner::no).max().orElse(0) + 1;
    }

    /**
     * A new partner row with the recommended defaults, the next free No, a Symbol not used yet
     * and the local port (the spec demands the same port on every server).
     */
    public Partner newPartner() {
        int no = nextPartnerNo();
        String symbol = "Partner " + no;
        for (int n = no + 1; symbolInUse(symbol); n++) {
            symbol = "Partner " + n;
        }
        return Partner.defaults(no, symbol, "", thisScada.port());
    }

    private boolean symbolInUse(String symbol) {
        return thisScada.symbol().equals(symbol) || partners.stream().anyMatch(p -> p.symbol().equals(symbol));
    }

    /** The partners whose Activate is on. */
    public List<Partner> activePartners() {
        return partners.stream().filter(Partner::activate).toList();
    }
}
