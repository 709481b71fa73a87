package scada.redundancy.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import scada.redundancy.model.internal.Messages;

/**
 * Turns the configuration edited in the studio (its This SCADA and its partner rows) into one
 * {@link ServerView} per server of the set, for deploy by export: each server's "This SCADA" is
 * its own row, and every other server is its partner, at the address and with the certificate
 * fingerprint the edited configuration gives for it.
 * <p>
 * What carries over, and from where:
 * <ul>
 * <li>Port: This SCADA's port, on every server and in every row (the spec demands equal ports).</li>
 * <li>Activate, Enable DB Sync, Database, Fail-back, Startup Allowance: This SCADA's, on every
 * server (one set, one policy). A server's Comment is its row's Comment; the edited This SCADA's
 * Comment becomes the comment of its row in the others' views.</li>
 * <li>Period, Timeout, Retry Count, Activate of a pair: for a pair with the edited This SCADA, that
 * partner's row. For a pair of two partners, which the file does not describe, the row with the
 * smaller Timeout (then the smaller No): both sides of a pair always hold the same values.
 * A pair of two partners is active only if both rows are.</li>
 * <li>Certificates: a partner row pins the fingerprint its server's row pinned; the edited
 * This SCADA's own certificate is not in the file, so it is given to {@link #of} (empty: not
 * pinned, the others then rely on the certificates approved on them).</li>
 * <li>Addresses: the edited This SCADA's address is not in the file either (a server does not
 * name its own address; it binds to it), so it is given to {@link #of}.</li>
 * </ul>
 * Partner rows are numbered 1, 2, ... in the set's order: the edited This SCADA first, then its
 * partners in row order.
 */
public final class ServerViews {
    private ServerViews() {
    }

    /** One server of the set: its Symbol, address, certificate and the row that described it. */
    private record Member(String symbol, String address, String certificate, String comment, Partner row) {
    }

    /**
     * The views of every server of the set described by {@code edited}.
     *
     * @param thisAddress     the IP address of the edited configuration's This SCADA
     * @param thisCertificate the SHA-256 fingerprint of its link certificate, or empty
     * @throws IllegalArgumentException when {@code thisAddress} is not an IP address: the views
     *                                  could not tell the other servers where it is
     */
    public static List<ServerView> of(RedundancyConfiguration edited, String thisAddress, String thisCertificate) {
        LocalServer local = edited.thisScada();
        String address = thisAddress == null ? "" : thisAddress.strip();
        if (IpAddresses.parse(address).isEmpty()) {
            throw new IllegalArgumentException(address.isEmpty()
                    ? Messages.format("views.address.missing", local.symbol())
                    : Messages.format("views.address.invalid", address, local.symbol()));
        }
        List<Member> members = new ArrayList<>();
        members.add(new Member(local.symbol(), address, thisCertificate == null ? "" : thisCertificate.strip(),
                local.comment(), null));
        for (Partner p : edited.partners()) {
            members.add(new Member(p.symbol(), p.ipAddress().strip(), p.certificateSha256(), p.comment(), p));
        }
        List<ServerView> views = new ArrayList<>();
        for (Member self : members) {
            LocalServer own = local.withSymbol(self.symbol()).withComment(self.comment());
            List<Partner> partners = new ArrayList<>();
            for (Member other : members) {
                if (other == self) {
                    continue;
                }
                Partner timing = pairTiming(self, other);
                boolean active = (self.row() == null || self.row().activate()) && (other.row() == null || other.row().activate());
                partners.add(new Partner(partners.size() + 1, other.symbol(), other.address(), local.port(), timing.periodMs(),
                        timing.timeoutMs(), timing.retryCount(), active, other.comment(), other.certificate()));
            }
            RedundancyConfiguration view = new RedundancyConfiguration(own, partners);
            ValidationContext context = IpAddresses.parse(self.address()).map(ValidationContext::boundTo)
                    .orElse(ValidationContext.unknownHost());
            views.add(new ServerView(self.symbol(), self.address(), view, ConfigurationValidator.validate(view, context)));
        }
        return views;
    }

    /** The row whose Period, Timeout and Retry Count the pair uses (see the class comment). */
    private static Partner pairTiming(Member a, Member b) {
        if (a.row() == null) {
            return b.row();
        }
        if (b.row() == null) {
            return a.row();
        }
        Partner x = a.row();
        Partner y = b.row();
        if (x.timeoutMs() != y.timeoutMs()) {
            return x.timeoutMs() < y.timeoutMs() ? x : y;
        }
        return x.no() <= y.no() ? x : y;
    }

    /** The view of the server with this Symbol (compared as Symbols are: case and outer blanks aside). */
    public static Optional<ServerView> find(List<ServerView> views, String symbol) {
        String key = symbol.strip().toLowerCase(Locale.ROOT);
        return views.stream().filter(v -> v.symbol().strip().toLowerCase(Locale.ROOT).equals(key)).findFirst();
    }
}
