package scada.redundancy.ui.internal;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;

import org.eclipse.swt.widgets.Display;

import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.client.MonitorClient;

/**
 * The live status of the runtime the editor is connected to, followed over the redundancy port
 * as a monitoring client. Updates arrive as events on a network thread and are handed to the UI
 * thread with asyncExec: the UI thread never waits for the network. A lost connection is shown,
 * not hidden.
 */
public final class RuntimeStatusSource implements AutoCloseable {
    private final Display display;
    private final Runnable changed;
    private MonitorClient client;
    private AutoCloseable subscription;
    private volatile RedundancyStatus status;
    private volatile String state = Columns.NO_RUNTIME;

    public RuntimeStatusSource(Display display, Runnable changed) {
        this.display = display;
        this.changed = changed;
    }

    /**
     * Follows the runtime at {@code endpoint}, authenticating with the identity kept in
     * {@code identityDir} (a server's data directory gives that server's identity).
     */
    public void connect(InetSocketAddress endpoint, Path identityDir, Set<String> trusted) throws Exception {
        close();
        client = MonitorClient.open(identityDir, "studio", trusted, 3000);
        state = "connecting to " + endpoint.getHostString() + ":" + endpoint.getPort();
        subscription = client.follow(endpoint, s -> {
            status = s;
            state = "";
            notifyUi();
        }, why -> {
            status = null;
            state = "runtime connection lost: " + why;
            notifyUi();
        });
        notifyUi();
    }

    private void notifyUi() {
        if (!display.isDisposed()) {
            display.asyncExec(changed);
        }
    }

    /** The latest status, or null when not connected. */
    public RedundancyStatus status() {
        return status;
    }

    /** "" while connected; otherwise what the status columns say instead (not connected, lost, ...). */
    public String state() {
        return state;
    }

    /** The text of a This SCADA status column. */
    String thisScada(String column) {
        RedundancyStatus s = status;
        if (s == null) {
            return state;
        }
        return switch (column) {
        case "Is Primary" -> yes(s.role() == Role.PRIMARY || s.role() == Role.STANDALONE) + " (" + s.role().jsonName() + ", term " + s.term() + ")";
        case "Connected Server" -> s.connectedServer();
        case "Connected Client" -> clients(s);
        case "Verified / Not Verified" -> s.verified().jsonName();
        case "Try To Connect" -> "context menu";
        case "Database" -> s.database();
        default -> "";
        };
    }

    /** "2 clients: opcua hmi (10.0.0.7), monitor 10.0.0.9:51234", or "no client". */
    static String clients(RedundancyStatus s) {
        int n = s.connectedClients();
        if (n == 0) {
            return "no client";
        }
        String count = n == 1 ? "1 client" : n + " clients";
        if (s.clients().isEmpty()) {
            return count;
        }
        String names = String.join(", ", s.clients());
        return count + ": " + names + (s.clients().size() < n ? ", …" : "");
    }

    /** The text of a Partners status column for the partner with this Symbol. */
    String partner(String symbol, String column) {
        RedundancyStatus s = status;
        if (s == null) {
            return state;
        }
        PartnerStatus p = s.partners().stream().filter(x -> x.symbol().equalsIgnoreCase(symbol)).findFirst().orElse(null);
        if (p == null) {
            return "not in the runtime's configuration";
        }
        return switch (column) {
        case "Is Primary" -> yes(p.isPrimary());
        case "Connected" -> yes(p.connected()) + (p.rttMs() >= 0 && p.connected() ? String.format(" (%.1f ms)", p.rttMs()) : "");
        case "Fault" -> p.fault() ? "FAULT: " + p.faultReason() : "no";
        case "Database" -> p.database();
        case "Verify" -> p.verified().jsonName();
        case "Try To Connect" -> "context menu";
        default -> "";
        };
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }

    @Override
    public void close() {
        try {
            if (subscription != null) {
                subscription.close();
            }
        } catch (Exception e) {
            // closing anyway
        }
        if (client != null) {
            client.close();
        }
        subscription = null;
        client = null;
        status = null;
        state = Columns.NO_RUNTIME;
    }
}
