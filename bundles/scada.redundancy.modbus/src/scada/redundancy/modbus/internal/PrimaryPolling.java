package scada.redundancy.modbus.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import scada.redundancy.runtime.PrimaryRole;

/**
 * Exists only while this server is primary (the mandatory {@link PrimaryRole}): SCR activates it
 * on takeover and deactivates it on demotion, and it switches the plant's sessions to polling and
 * back. The role logic is entirely the runtime's.
 */
@Component
public final class PrimaryPolling {
    @Reference
    private PrimaryRole primary;
    @Reference
    private Plant plant;

    @Activate
    void activate() {
        plant.startPolling(primary.term());
    }

    @Deactivate
    void deactivate() {
        plant.stopPolling();
    }
}
