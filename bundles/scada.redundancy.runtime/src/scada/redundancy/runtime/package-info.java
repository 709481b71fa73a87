/**
 * The redundancy runtime's API: {@link scada.redundancy.runtime.RedundancyService} (status and
 * actions), the whiteboard interfaces {@link scada.redundancy.runtime.RoleListener} and
 * {@link scada.redundancy.runtime.StatusListener}, the status contributions other bundles register
 * ({@link scada.redundancy.runtime.StatusContribution}), and the conditional service
 * {@link scada.redundancy.runtime.PrimaryRole}.
 */
package scada.redundancy.runtime;
