package scada.redundancy.runtime;

/**
 * How other services tell the redundancy runtime that this server is degraded, as WinCC OA's
 * error-state weights do: each source sets an error weight (0 = fine); health is 100 minus the
 * sum, at least 0. Partners see the health in every heartbeat. Below 50 the server is
 * unhealthy: a backup then shows role {@code fault} and is never elected; a primary hands over
 * to a healthy backup if there is one (and stays primary if there is none: a degraded primary
 * beats none); partners show it as Fault.
 */
public interface HealthReporter {
    /**
     * @param source a stable name of the reporting service, e.g. "plc-driver:line-3"
     * @param weight 0..100; 0 clears the source
     * @param reason a plain sentence for the status, e.g. "PLC line 3 unreachable"
     */
    void report(String source, int weight, String reason);
}
