package scada.redundancy.runtime.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The certificates an operator approved on this server, and as what: {@code trusted-fingerprints.txt}
 * in the data directory, one approval per line ({@code #} starts a comment):
 *
 * <pre>
 * FINGERPRINT as=monitor                    # reads the status
 * FINGERPRINT as=operator                   # and asks for try-connect, verify, hand-over
 * FINGERPRINT as=partner symbol=SCADA-B     # the server SCADA-B, on its link
 * </pre>
 *
 * A line with a fingerprint alone was written before roles existed; it keeps working as it did:
 * monitor, operator and partner of any Symbol (the status says how many such lines are left, and
 * approving the fingerprint again with a role replaces them). A line this version cannot read (an
 * unknown role, a partner without a Symbol) approves nothing. Re-read when the file changes, so an
 * approval takes effect without a restart.
 */
public final class TrustStore {
    public static final String FILE = "trusted-fingerprints.txt";
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

    /** What an approved certificate may do. */
    public enum As {
        /** A redundancy server of the set, named by its Symbol: the link (HELLO as server), Verify. */
        PARTNER,
        /** A monitoring client: the status (and Verify from the studio). */
        MONITOR,
        /** A monitoring client that may also act: try-connect, verify, hand-over. */
        OPERATOR;

        /** The word in the file and on the command line. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The role named {@code word}, or null. */
        public static As of(String word) {
            for (As as : values()) {
                if (as.word().equals(word)) {
                    return as;
                }
            }
            return null;
        }
    }

    /**
     * One approval.
     *
     * @param as     the role, or null for a line written before roles existed (see the class comment)
     * @param symbol the partner's Symbol (role {@link As#PARTNER} only), else null
     */
    public record Approval(String fingerprint, As as, String symbol) {
        public boolean hasRole() {
            return as != null;
        }

        /** How an operator would say it: {@code partner "SCADA-B"}, {@code monitor}, {@code any role (no as=)}. */
        public String describe() {
            return as == null ? "any role (a line without as=)" : as == As.PARTNER ? "partner \"" + symbol + "\"" : as.word();
        }
    }

    /** Everything the file approved when it was read. Immutable. */
    public static final class Approvals {
        public static final Approvals NONE = new Approvals(List.of());

        private final List<Approval> all;
        private final Set<String> fingerprints;

        Approvals(List<Approval> all) {
            this.all = List.copyOf(all);
            Set<String> set = new LinkedHashSet<>();
            all.forEach(a -> set.add(a.fingerprint()));
            this.fingerprints = Set.copyOf(set);
        }

        public List<Approval> all() {
            return all;
        }

        /** Every approved fingerprint, whatever its role: what TLS lets through. */
        public Set<String> fingerprints() {
            return fingerprints;
        }

        /** May read the status: approved as monitor or operator (or without a role). */
        public boolean monitor(String fingerprint) {
            return all.stream().anyMatch(a -> a.fingerprint().equals(fingerprint)
                    && (a.as() == null || a.as() == As.MONITOR || a.as() == As.OPERATOR));
        }

        /** May act: approved as operator (or without a role). */
        public boolean operator(String fingerprint) {
            return all.stream().anyMatch(a -> a.fingerprint().equals(fingerprint) && (a.as() == null || a.as() == As.OPERATOR));
        }

        /** Approved as the partner with this Symbol (compared as Symbols are: case and outer blanks aside), or without a role. */
        public boolean partner(String fingerprint, String symbol) {
            return all.stream().anyMatch(a -> a.fingerprint().equals(fingerprint)
                    && (a.as() == null || a.as() == As.PARTNER && symbolKey(a.symbol()).equals(symbolKey(symbol))));
        }

        /** Approved as some partner (or without a role). */
        public boolean anyPartner(String fingerprint) {
            return all.stream().anyMatch(a -> a.fingerprint().equals(fingerprint) && (a.as() == null || a.as() == As.PARTNER));
        }

        /** How many approvals are lines without a role. */
        public int withoutRole() {
            return (int) all.stream().filter(a -> !a.hasRole()).count();
        }

        /** The roles of a fingerprint in words ({@code monitor, partner "SCADA-C"}), or "nothing". */
        public String describe(String fingerprint) {
            List<String> roles = new ArrayList<>();
            all.stream().filter(a -> a.fingerprint().equals(fingerprint)).forEach(a -> roles.add(a.describe()));
            return roles.isEmpty() ? "nothing" : String.join(", ", roles);
        }
    }

    private final Path file;
    private FileTime readAt;
    private Approvals approvals = Approvals.NONE;

    public TrustStore(Path dataDir) {
        this.file = dataDir.resolve(FILE);
    }

    /** The approved fingerprints whatever their role, re-read if the file changed since the last call. */
    public synchronized Set<String> approved() {
        return approvals().fingerprints();
    }

    /** The approvals, re-read if the file changed since the last call. */
    public synchronized Approvals approvals() {
        try {
            FileTime modified = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            if (modified == null) {
                approvals = Approvals.NONE;
                readAt = null;
            } else if (!modified.equals(readAt)) {
                List<Approval> read = new ArrayList<>();
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Approval a = parse(line);
                    if (a != null) {
                        read.add(a);
                    }
                }
                approvals = new Approvals(read);
                readAt = modified;
            }
        } catch (IOException e) {
            // keep what was read last: an unreadable file must not drop a working link
        }
        return approvals;
    }

    /**
     * Approves a certificate as an operator's client (status, try-connect, verify, hand-over).
     * Kept for callers that approve a monitoring client; see {@link #approve(String, As, String, String)}.
     */
    public void approve(String fingerprint, String comment) throws IOException {
        approve(fingerprint, As.OPERATOR, null, comment);
    }

    /**
     * Approves a certificate as {@code as} (idempotent). Lines of the same fingerprint without a
     * role are replaced, so that the new role is all it has; other approvals of it stay.
     *
     * @param symbol the partner's Symbol: required for {@link As#PARTNER}, refused otherwise
     * @return what changed, in words for the operator ("approved ...", "already approved ...")
     * @throws IllegalArgumentException for a fingerprint that is not 64 hex digits, or a Symbol missing or misplaced
     */
    public synchronized String approve(String fingerprint, As as, String symbol, String comment) throws IOException {
        String f = normalize(fingerprint);
        if (!FINGERPRINT.matcher(f).matches()) {
            throw new IllegalArgumentException("\"" + fingerprint + "\" is not a SHA-256 fingerprint (64 hex digits)");
        }
        if (as == null) {
            throw new IllegalArgumentException("say as what the certificate is approved: partner, monitor or operator");
        }
        String sym = symbol == null ? null : symbol.strip();
        if (as == As.PARTNER && (sym == null || sym.isEmpty())) {
            throw new IllegalArgumentException("a partner is approved with its Symbol (--symbol SCADA-B): the certificate "
                    + "is then accepted as that partner only");
        }
        if (as != As.PARTNER && sym != null) {
            throw new IllegalArgumentException("a Symbol names a partner; a " + as.word() + " is approved without one");
        }
        if (sym != null && sym.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a Symbol has no control characters");
        }
        Approval wanted = new Approval(f, as, sym);
        Approvals now = approvals();
        if (now.all().stream().anyMatch(a -> a.fingerprint().equals(f) && a.as() == as
                && (as != As.PARTNER || symbolKey(a.symbol()).equals(symbolKey(sym))))) {
            return "already approved as " + wanted.describe() + ": " + f;
        }
        String line = f + " as=" + as.word() + (sym == null ? "" : " symbol=" + encodeSymbol(sym))
                + (comment == null || comment.isBlank() ? "" : "  # " + comment.replaceAll("[\\r\\n]+", " ")) + "\n";
        boolean hadNoRole = now.all().stream().anyMatch(a -> a.fingerprint().equals(f) && !a.hasRole());
        if (hadNoRole) {
            // The old line approved everything: the new role must replace it, not add to it.
            StringBuilder kept = new StringBuilder();
            for (String old : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Approval a = parse(old);
                kept.append(a != null && a.fingerprint().equals(f) && !a.hasRole() ? "# replaced by the next approval: " + old : old)
                        .append('\n');
            }
            DurableFiles.replace(file, (kept + line).getBytes(StandardCharsets.UTF_8));
        } else {
            // Forced to the device: an approval the operator saw succeed must survive a power loss.
            DurableFiles.append(file, line.getBytes(StandardCharsets.UTF_8));
        }
        readAt = null;
        return "approved as " + wanted.describe() + ": " + f
                + (hadNoRole ? " (its old approval without a role is replaced)" : "");
    }

    /** One line of the file, or null for a comment, a blank line or a line this version cannot read. */
    static Approval parse(String line) {
        String[] words = line.replaceFirst("#.*", "").strip().split("\\s+");
        if (words.length == 0) {
            return null;
        }
        String f = normalize(words[0]);
        if (!FINGERPRINT.matcher(f).matches()) {
            return null;
        }
        As as = null;
        String symbol = null;
        for (int i = 1; i < words.length; i++) {
            String w = words[i];
            if (w.startsWith("as=")) {
                as = As.of(w.substring(3));
                if (as == null) {
                    return null; // a role of a newer version: approves nothing here
                }
            } else if (w.startsWith("symbol=")) {
                symbol = decodeSymbol(w.substring(7));
            } else {
                return null;
            }
        }
        if (words.length > 1 && as == null || as == As.PARTNER && (symbol == null || symbol.isEmpty())) {
            return null;
        }
        return new Approval(f, as, as == As.PARTNER ? symbol : null);
    }

    /** A Symbol may hold blanks, {@code #} and {@code %}: written as %20, %23, %25 so that a line stays words. */
    static String encodeSymbol(String symbol) {
        return symbol.replace("%", "%25").replace(" ", "%20").replace("#", "%23");
    }

    static String decodeSymbol(String word) {
        return word.replace("%20", " ").replace("%23", "#").replace("%25", "%");
    }

    private static String symbolKey(String symbol) {
        return symbol == null ? "" : symbol.strip().toLowerCase(Locale.ROOT);
    }

    public static String normalize(String fingerprint) {
        return fingerprint.replace(":", "").strip().toLowerCase(Locale.ROOT);
    }
}
