package scada.redundancy.model;

import java.net.Inet4Address;
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

    /**
     * Addresses that are never the address of one server: a partner there could never be
     * reached (or every host of a network would be), so a configuration naming one is an error.
     * Loopback (127.0.0.0/8, ::1) is not among them: two servers on one machine use it.
     */
    public enum NotOneServer {
        /** 0.0.0.0 and ::, "any address" to a listener. */
        UNSPECIFIED,
        /** 0.0.0.0/8, "this network" (RFC 1122); only a source address while a host learns its own. */
        THIS_NETWORK,
        /** 255.255.255.255, every host of the local network. */
        BROADCAST,
        /** 224.0.0.0/4 and ff00::/8: a group of receivers. */
        MULTICAST,
        /** 240.0.0.0/4, reserved for future use (RFC 1112) and not routed. */
        RESERVED
    }

    private IpAddresses() {
    }

    /** Why the address cannot be one server's, or empty if it can. */
    public static Optional<NotOneServer> notOneServer(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return Optional.of(NotOneServer.UNSPECIFIED);
        }
        if (address.isMulticastAddress()) {
            return Optional.of(NotOneServer.MULTICAST);
        }
        // An IPv4-mapped IPv6 literal (::ffff:0.0.0.2) is parsed to its IPv4 address, so it is checked here too.
        if (address instanceof Inet4Address) {
            byte[] b = address.getAddress();
            int first = b[0] & 0xff;
            if (first == 0) {
                return Optional.of(NotOneServer.THIS_NETWORK);
            }
            if ((b[0] & b[1] & b[2] & b[3]) == (byte) 0xff) {
                return Optional.of(NotOneServer.BROADCAST);
            }
            if (first >= 240) {
                return Optional.of(NotOneServer.RESERVED);
            }
        }
        return Optional.empty();
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
