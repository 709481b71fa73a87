package scada.redundancy.model;

/** The paths of fields in the configuration file, as used in messages and source locations. */
public final class FieldPaths {
    private FieldPaths() {
    }

    /** {@code thisScada.port}, {@code partners[2].timeoutMs}. */
    public static String of(ConfigField field, int partnerIndex) {
        return field.section() == Section.THIS_SCADA
                ? Section.THIS_SCADA.jsonName() + "." + field.jsonName()
                : partner(partnerIndex) + "." + field.jsonName();
    }

    /** {@code partners[2]}. */
    public static String partner(int partnerIndex) {
        return Section.PARTNERS.jsonName() + "[" + partnerIndex + "]";
    }
}
