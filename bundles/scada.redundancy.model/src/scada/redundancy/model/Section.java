package scada.redundancy.model;

/** The two sections of the Redundancy screen. */
public enum Section {
    /** The local server: one row. */
    THIS_SCADA("thisScada", "This SCADA"),
    /** The partner (backup) servers: one row each. */
    PARTNERS("partners", "Partners");

    private final String jsonName;
    private final String label;

    Section(String jsonName, String label) {
        this.jsonName = jsonName;
        this.label = label;
    }

    /** The property name of this section in the configuration file. */
    public String jsonName() {
        return jsonName;
    }

    /** The section's title as the screen shows it. */
    public String label() {
        return label;
    }
}
