package scada.redundancy.ui.internal;

import java.net.InetSocketAddress;
import java.nio.file.Path;

import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.ui.preferences.ScopedPreferenceStore;

/**
 * Where the studio finds a running server to follow (Window > Preferences > Duplex Redundancy):
 * the defaults of every Redundancy editor's runtime bar, and whether an editor follows that
 * runtime as soon as it opens. Kept in the instance scope of this plug-in, like every other
 * workbench preference.
 */
public final class RuntimePreferences {
    public static final String QUALIFIER = "scada.redundancy.ui";
    /** ADDR:PORT of the runtime to follow; empty means 127.0.0.1 at the file's own port. */
    public static final String ADDRESS = "runtime.address";
    /** The identity directory the studio authenticates with; empty means ~/.duplex/studio. */
    public static final String IDENTITY = "runtime.identity";
    /** Follow the runtime as soon as an editor opens. */
    public static final String AUTO_CONNECT = "runtime.autoConnect";

    private static ScopedPreferenceStore store;

    private RuntimePreferences() {
    }

    public static synchronized IPreferenceStore store() {
        if (store == null) {
            store = new ScopedPreferenceStore(InstanceScope.INSTANCE, QUALIFIER);
            store.setDefault(ADDRESS, "");
            store.setDefault(IDENTITY, "");
            store.setDefault(AUTO_CONNECT, false);
        }
        return store;
    }

    /** The identity directory used when none is set. */
    public static Path defaultIdentity() {
        return Path.of(System.getProperty("user.home"), ".duplex", "studio");
    }

    /**
     * Parses ADDR:PORT ({@code 127.0.0.1:8000}, {@code [::1]:8000}, {@code host:8000}).
     *
     * @throws IllegalArgumentException with a plain sentence saying what is wrong
     */
    public static InetSocketAddress parseEndpoint(String text) {
        String t = text.strip();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("\"" + t + "\" is not ADDR:PORT, e.g. 127.0.0.1:8000");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("write an IPv6 address in brackets: [" + host + "]:" + t.substring(colon + 1));
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port of \"" + t + "\" is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the port " + port + " is not between 1 and 65535");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }
}
