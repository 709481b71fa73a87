package scada.redundancy.opcua.internal;

import java.util.Objects;

import scada.redundancy.runtime.Role;

/**
 * The ServiceLevel of this server (OPC UA Part 4 §6.6.2.4.2, Part 5 Server/ServiceLevel): one
 * algorithm, the same on every server of the set, so that a client comparing the servers'
 * values keeps its session on the server that serves the plant. Pure: a function of the inputs.
 * <p>
 * The sub-ranges of the standard, and what lands in each:
 * <pre>
 *   0        Maintenance  an administrator put the server into maintenance: clients leave it
 *   1        NoData       the runtime is starting (no role yet), or a primary that has no fresh data at all
 *   2..199   Degraded     2..49    a backup that cannot take over (role FAULT, or health below 50)
 *                         75..150  a healthy backup: 100 + health/2, less 25 while it hears no primary
 *                         151..199 a degraded primary: unhealthy, or only part of its data fresh
 *   200..255 Healthy      200..250 a healthy primary (or standalone server) with fresh data: 200 + health/2
 * </pre>
 * Every primary ranks above every backup (a client must not leave the server that talks to the
 * PLCs for one that does not), and within a band a healthier server ranks higher — the order
 * the election ranks backups in, so that clients and the election agree on who is next.
 */
public final class ServiceLevel {
    public static final int MAINTENANCE = 0;
    public static final int NO_DATA = 1;
    /** The Degraded sub-range of Part 4, inclusive. */
    public static final int DEGRADED_LOW = 2;
    public static final int DEGRADED_HIGH = 199;
    /** The Healthy sub-range of Part 4, inclusive. */
    public static final int HEALTHY_LOW = 200;
    public static final int HEALTHY_HIGH = 255;

    /** Below this health a server is unhealthy (the runtime's own threshold, see HealthReporter). */
    static final int UNHEALTHY_BELOW = 50;
    /** What a backup loses while it hears no primary: it may be cut off from the set, or about to take over. */
    static final int NO_PRIMARY_IN_SIGHT_PENALTY = 25;

    /**
     * What the ServiceLevel is computed from.
     *
     * @param maintenance    an administrator put this server into maintenance
     * @param starting       the runtime is still starting (within its startup allowance, no role decided)
     * @param role           the runtime's role
     * @param health         the runtime's health, 0..100
     * @param primaryInSight a partner that this server hears reports itself primary
     * @param freshness      how fresh the plant data is
     */
    public record Inputs(boolean maintenance, boolean starting, Role role, int health, boolean primaryInSight,
            DataFreshness freshness) {
        public Inputs {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(freshness, "freshness");
        }
    }

    private ServiceLevel() {
    }

    /** The ServiceLevel for these inputs, 0..255. */
    public static int of(Inputs in) {
        if (in.maintenance()) {
            return MAINTENANCE;
        }
        if (in.starting()) {
            return NO_DATA;
        }
        int health = Math.max(0, Math.min(100, in.health()));
        boolean healthy = health >= UNHEALTHY_BELOW;
        switch (in.role()) {
            case PRIMARY, STANDALONE -> {
                if (in.freshness() == DataFreshness.NONE) {
                    return NO_DATA;
                }
                if (!healthy || in.freshness() == DataFreshness.PARTIAL) {
                    return 151 + health * 48 / 100; // 151..199: still above every backup
                }
                return HEALTHY_LOW + health / 2; // 225..250 (health 50..100)
            }
            case BACKUP -> {
                if (!healthy) {
                    return DEGRADED_LOW + health * 48 / 100; // 2..25 (health 0..49)
                }
                return 100 + health / 2 - (in.primaryInSight() ? 0 : NO_PRIMARY_IN_SIGHT_PENALTY); // 100..150 or 75..125
            }
            case FAULT -> {
                return DEGRADED_LOW + health * 48 / 100; // 2..50: never elected, the last choice of a client
            }
            default -> throw new IllegalArgumentException("unknown role " + in.role());
        }
    }

    /** The name of the Part 4 sub-range a ServiceLevel falls in: Maintenance, NoData, Degraded or Healthy. */
    public static String subRange(int serviceLevel) {
        if (serviceLevel == MAINTENANCE) {
            return "Maintenance";
        }
        if (serviceLevel == NO_DATA) {
            return "NoData";
        }
        return serviceLevel <= DEGRADED_HIGH ? "Degraded" : "Healthy";
    }
}
