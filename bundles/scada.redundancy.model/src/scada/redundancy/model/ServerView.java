package scada.redundancy.model;

import java.util.List;
import java.util.Objects;

/**
 * One server's own view of a redundancy set: the configuration file that server runs, in which
 * its "This SCADA" is its own row and every other server of the set is a partner.
 *
 * @param symbol        the server's Symbol
 * @param address       the IP address the server listens on (and the other servers' rows name)
 * @param configuration the server's configuration
 * @param report        the configuration's problems, validated as that server (bound to {@code address}) sees them
 */
public record ServerView(String symbol, String address, RedundancyConfiguration configuration, ValidationReport report) {

    public ServerView {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(configuration, "configuration");
        Objects.requireNonNull(report, "report");
    }

    /** The Symbols of the partners this view lists, in row order. */
    public List<String> partnerSymbols() {
        return configuration.partners().stream().map(Partner::symbol).toList();
    }

    /** The partners whose certificate fingerprint this view does not pin (they rely on approvals on the server). */
    public List<String> unpinnedPartners() {
        return configuration.partners().stream().filter(p -> p.certificateSha256().isBlank()).map(Partner::symbol).toList();
    }
}
