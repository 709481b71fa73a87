package scada.redundancy.modbus.internal;

import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import scada.redundancy.history.HistoryWriter;
import scada.redundancy.plant.TagValue;
import scada.redundancy.plant.TagValueListener;
import scada.redundancy.runtime.PrimaryRole;

/**
 * Records every change of a tag's value or quality in history, while this server is primary and
 * a history store exists (DB sync installed and open). A separate component, so that the driver
 * runs without DB sync: SCR loads this class only when a {@link HistoryWriter} is there.
 * A row the store refuses (its bounded queue is full) is counted and dropped: the driver never
 * waits for the store.
 */
@Component(service = TagValueListener.class)
public final class HistoryRecording implements TagValueListener {
    @Reference
    private PrimaryRole primary;
    @Reference
    private HistoryWriter history;

    private final AtomicLong refused = new AtomicLong();

    @Override
    public void changed(TagValue v) {
        history.tagValue(v.tag(), v.sourceTime(), v.value(), v.quality()).whenComplete((ok, e) -> {
            if (e != null && refused.getAndIncrement() % 1000 == 0) {
                Plant.log("history refused " + refused.get() + " values so far, the last: " + e.getMessage());
            }
        });
    }
}
