package scada.redundancy.model;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses IP address literals without ever asking DNS. Host names are not accepted on purpose: a
 * heartbeat path must not depend on a name server, which is often the first thing to fail in the
 * incident that redundancy is meant to survive.
 */
public final class IpAddresses {
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}");
    /*
     * Must start with a hex digit or a colon: only then does InetAddress take the text for a
     * literal. Text such as ".:1" would otherwise be looked up as a host name.
     */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[0-9A-Za-z_.-]+)?");

    private IpAddresses() {
    }

    /** The address of an IPv4 or IPv6 literal (an IPv6 zone such as {@code %eth0} is ignored), or empty. */
    public static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        if (IPV4.matcher(s).matches()) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return Optional.empty();
                }
            }
            return literal(s);
        }
        if (s.indexOf(':') >= 0 && IPV6.matcher(s).matches()) {
            int zone = s.indexOf('%');
            return literal(zone < 0 ? s : s.substring(0, zone));
        }
        return Optional.empty();
    }

    private static Optional<InetAddress> literal(String s) {
        try {
            // A literal of digits, dots and colons only: InetAddress parses it and never looks it up.
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
