package scada.redundancy.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

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

    /**
     * The number a new row gets: one more than the largest No in use, and at least 1. If the largest
     * No is {@link Integer#MAX_VALUE}, the smallest positive No not in use.
     */
    public int nextPartnerNo() {
        int max = partners.stream().mapToInt(Partner::no).max().orElse(0);
        if (max < Integer.MAX_VALUE) {
            return Math.max(max, 0) + 1;
        }
        Set<Integer> used = partners.stream().map(Partner::no).collect(Collectors.toSet());
        int no = 1;
        while (used.contains(no)) {
            no++;
        }
        return no;
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

    /** Whether a Symbol is taken, compared as the validator compares Symbols (trimmed, ignoring case). */
    private boolean symbolInUse(String symbol) {
        String key = symbolKey(symbol);
        return symbolKey(thisScada.symbol()).equals(key)
                || partners.stream().anyMatch(p -> symbolKey(p.symbol()).equals(key));
    }

    private static String symbolKey(String symbol) {
        return symbol.strip().toLowerCase(Locale.ROOT);
    }

    /** The partners whose Activate is on. */
    public List<Partner> activePartners() {
        return partners.stream().filter(Partner::activate).toList();
    }
}
