package scada.redundancy.ui.internal;

import java.util.List;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.ui.internal.Column.Kind;

/** The columns of both sections, exactly as the spec lists them, in its order, with its descriptions. */
final class Columns {
    static final String NO_RUNTIME = "no runtime connected";
    /** Columns whose cell is a link that runs the action (click, or Enter on the focused cell). */
    static final java.util.Set<String> ACTIONS = java.util.Set.of("Try To Connect", "Verify");
    static final String ACTION_LINK = "\u25b6 ";

    private Columns() {
    }

    private interface LocalGet {
        Object get(LocalServer s);
    }

    private interface LocalSet {
        LocalServer set(LocalServer s, Object v);
    }

    private interface PartnerGet {
        Object get(Partner p);
    }

    private interface PartnerSet {
        Partner set(Partner p, Object v);
    }

    private static Column local(ConfigField field, Kind kind, int width, String tooltip, LocalGet get, LocalSet set) {
        return new Column(field.label(), tooltip, width, kind, field, (c, row) -> get.get(c.thisScada()),
                (c, row, v) -> c.withThisScada(set.set(c.thisScada(), v)));
    }

    private static Column partner(ConfigField field, Kind kind, int width, String tooltip, PartnerGet get, PartnerSet set) {
        return new Column(field.label(), tooltip, width, kind, field, (c, row) -> get.get(c.partners().get(row)),
                (c, row, v) -> c.withPartner(row, set.set(c.partners().get(row), v)));
    }

    private static Column status(String title, String tooltip) {
        return status(title, tooltip, 110);
    }

    private static Column status(String title, String tooltip, int width) {
        return new Column(title, tooltip, width, Kind.STATUS, null, (c, row) -> NO_RUNTIME, null);
    }

    /** The live text of a status column for a row (-1 = This SCADA), from the runtime the editor follows. */
    static String status(Column column, RedundancyConfiguration config, int row, RuntimeStatusSource source) {
        if (ACTIONS.contains(column.title())) {
            return ACTION_LINK + column.title();
        }
        if (source == null) {
            return NO_RUNTIME;
        }
        if (ACTIONS.contains(column.title())) {
            return ACTION_LINK + column.title();
        }
        return row < 0 ? source.thisScada(column.title()) : source.partner(config.partners().get(row).symbol(), column.title());
    }

    /** This SCADA: Symbol, Port, Activate, Is Primary, Connected Server, Connected Client, Enable DB Sync, Database, Try To Connect, Verified / Not Verified, Comment. */
    static final List<Column> THIS_SCADA = List.of(
            local(ConfigField.THIS_SYMBOL, Kind.TEXT, 120, "The name assigned to this server (e.g. \"This SCADA\").",
                    LocalServer::symbol, (s, v) -> s.withSymbol((String) v)),
            local(ConfigField.THIS_PORT, Kind.NUMBER, 70,
                    "The TCP port the local server listens on for redundancy communication (default: 8000).",
                    LocalServer::port, (s, v) -> s.withPort((Integer) v)),
            local(ConfigField.THIS_ACTIVATE, Kind.CHECK, 70, "Starts or stops the redundancy service.", LocalServer::activate,
                    (s, v) -> s.withActivate((Boolean) v)),
            status("Is Primary", "(Status) Whether this server is currently the Primary (Master).", 170),
            status("Connected Server", "The server-to-server connection status."),
            status("Connected Client", "The status of client connections over the redundancy link."),
            local(ConfigField.THIS_ENABLE_DB_SYNC, Kind.CHECK, 100,
                    "Enables automatic synchronization of historical data and logs with the backup server.",
                    LocalServer::enableDbSync, (s, v) -> s.withEnableDbSync((Boolean) v)),
            local(ConfigField.THIS_DATABASE, Kind.TEXT, 120, "The database name or connection information to be synchronized.",
                    LocalServer::database, (s, v) -> s.withDatabase((String) v)),
            status("Try To Connect", "Manually attempts to initiate a connection to the partner server."),
            status("Verified / Not Verified",
                    "Whether the redundancy configuration and database synchronization are validated."),
            local(ConfigField.THIS_COMMENT, Kind.TEXT, 160, "Free text for custom notes.", LocalServer::comment,
                    (s, v) -> s.withComment((String) v)));

    /** Partners: No, Symbol, IP Address, Port, Period (ms), Timeout (ms), Retry Count, Activate, Is Primary, Connected, Fault, Database, Try To Connect, Verify, Comment. */
    static final List<Column> PARTNERS = List.of(
            partner(ConfigField.PARTNER_NO, Kind.NUMBER, 45, "Index number of the backup server.", Partner::no,
                    (p, v) -> p.withNo((Integer) v)),
            partner(ConfigField.PARTNER_SYMBOL, Kind.TEXT, 110, "Symbolic name of the backup server.", Partner::symbol,
                    (p, v) -> p.withSymbol((String) v)),
            partner(ConfigField.PARTNER_IP_ADDRESS, Kind.TEXT, 120, "IP address of the partner server (e.g. 192.168.1.11).",
                    Partner::ipAddress, (p, v) -> p.withIpAddress((String) v)),
            partner(ConfigField.PARTNER_PORT, Kind.NUMBER, 60, "Listening port of the partner server (must match the local port).",
                    Partner::port, (p, v) -> p.withPort((Integer) v)),
            partner(ConfigField.PARTNER_PERIOD, Kind.NUMBER, 80, "Frequency of heartbeat messages (recommended: 1000 ms).",
                    Partner::periodMs, (p, v) -> p.withPeriodMs((Integer) v)),
            partner(ConfigField.PARTNER_TIMEOUT, Kind.NUMBER, 85,
                    "Time to wait before the partner is considered offline (recommended: Period x 3).", Partner::timeoutMs,
                    (p, v) -> p.withTimeoutMs((Integer) v)),
            partner(ConfigField.PARTNER_RETRY_COUNT, Kind.NUMBER, 80,
                    "Number of reconnection attempts when communication is lost.", Partner::retryCount,
                    (p, v) -> p.withRetryCount((Integer) v)),
            partner(ConfigField.PARTNER_ACTIVATE, Kind.CHECK, 65, "Enables communication with this partner server.",
                    Partner::activate, (p, v) -> p.withActivate((Boolean) v)),
            status("Is Primary", "(Status) Whether the partner server is currently the Primary."),
            status("Connected", "The connection status between the servers."),
            status("Fault", "Whether a fault is detected on the partner server."),
            status("Database", "The database synchronization status on the partner side."),
            status("Try To Connect", "Manual connection test."),
            status("Verify", "Validates the configuration of the partner server."),
            partner(ConfigField.PARTNER_COMMENT, Kind.TEXT, 160, "Free text for additional notes.", Partner::comment,
                    (p, v) -> p.withComment((String) v)));

    static String text(Column column, RedundancyConfiguration config, int row) {
        Object v = column.get().apply(config, row);
        if (v instanceof Boolean b) {
            return b ? "\u2611" : "\u2610";
        }
        return String.valueOf(v);
    }
}
