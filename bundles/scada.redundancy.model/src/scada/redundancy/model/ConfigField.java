package scada.redundancy.model;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every configuration field of the Redundancy screen, in the file's order: its property name in
 * the file, its column label on the screen and its section. One table that the file reader, the
 * writer, the validator and the editor all use, so that a field is named the same everywhere.
 * Status columns (Is Primary, Connected, ...) are not configuration and are not listed here.
 */
public enum ConfigField {
    THIS_SYMBOL(Section.THIS_SCADA, "symbol", "Symbol"),
    THIS_PORT(Section.THIS_SCADA, "port", "Port"),
    THIS_ACTIVATE(Section.THIS_SCADA, "activate", "Activate"),
    THIS_ENABLE_DB_SYNC(Section.THIS_SCADA, "enableDbSync", "Enable DB Sync"),
    THIS_DATABASE(Section.THIS_SCADA, "database", "Database"),
    THIS_COMMENT(Section.THIS_SCADA, "comment", "Comment"),
    THIS_FAILBACK(Section.THIS_SCADA, "failback", "Fail-back"),
    THIS_STARTUP_ALLOWANCE(Section.THIS_SCADA, "startupAllowanceMs", "Startup Allowance (ms)"),

    PARTNER_NO(Section.PARTNERS, "no", "No"),
    PARTNER_SYMBOL(Section.PARTNERS, "symbol", "Symbol"),
    PARTNER_IP_ADDRESS(Section.PARTNERS, "ipAddress", "IP Address"),
    PARTNER_PORT(Section.PARTNERS, "port", "Port"),
    PARTNER_PERIOD(Section.PARTNERS, "periodMs", "Period (ms)"),
    PARTNER_TIMEOUT(Section.PARTNERS, "timeoutMs", "Timeout (ms)"),
    PARTNER_RETRY_COUNT(Section.PARTNERS, "retryCount", "Retry Count"),
    PARTNER_ACTIVATE(Section.PARTNERS, "activate", "Activate"),
    PARTNER_COMMENT(Section.PARTNERS, "comment", "Comment"),
    PARTNER_CERTIFICATE(Section.PARTNERS, "certificateSha256", "Certificate SHA-256");

    private final Section section;
    private final String jsonName;
    private final String label;

    ConfigField(Section section, String jsonName, String label) {
        this.section = section;
        this.jsonName = jsonName;
        this.label = label;
    }

    public Section section() {
        return section;
    }

    /** The property name in the configuration file. */
    public String jsonName() {
        return jsonName;
    }

    /** The column label on the Redundancy screen. */
    public String label() {
        return label;
    }

    /** The fields of one section, in file order. */
    public static List<ConfigField> of(Section section) {
        return Arrays.stream(values()).filter(f -> f.section == section).collect(Collectors.toUnmodifiableList());
    }

    /** The field of a section with that property name, or {@code null}. */
    public static ConfigField byJsonName(Section section, String jsonName) {
        for (ConfigField f : values()) {
            if (f.section == section && f.jsonName.equals(jsonName)) {
                return f;
            }
        }
        return null;
    }
}
