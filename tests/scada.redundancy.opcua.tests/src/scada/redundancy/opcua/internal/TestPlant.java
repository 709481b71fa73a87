package scada.redundancy.opcua.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

import scada.redundancy.plant.Quality;
import scada.redundancy.plant.TagValue;
import scada.redundancy.plant.TagValueListener;
import scada.redundancy.plant.TagValues;
import scada.redundancy.project.Area;
import scada.redundancy.project.DataType;
import scada.redundancy.project.Plc;
import scada.redundancy.project.Project;
import scada.redundancy.project.Scaling;
import scada.redundancy.project.Tag;

/**
 * A plant the test drives, served as the Modbus driver's Plant serves it: a {@link TagValues}
 * service of a project, every tag Bad_WaitingForInitialData until set, each change pushed to every
 * {@link TagValueListener} registered as a service (whiteboard), on the caller's thread as the
 * Plant calls them on its poll thread.
 */
final class TestPlant implements TagValues, AutoCloseable {
    /** The one PLC of test projects: short timeouts, so that a new primary's grace is short. */
    static final Plc PLC = new Plc("plc", "127.0.0.1", 5020, 1, 100, 100);

    private final Project project;
    private final Map<String, TagValue> values = new ConcurrentHashMap<>();
    private final ServiceTracker<TagValueListener, TagValueListener> listeners;
    private volatile boolean polling = true;
    private ServiceRegistration<TagValues> registration;

    TestPlant(BundleContext context, String name, Tag... tags) {
        project = new Project(null, name, "1", "", List.of(PLC), List.of(tags), "fp-" + name);
        Instant now = Instant.now();
        for (Tag t : tags) {
            values.put(t.name(), new TagValue(t.name(), Double.NaN, Quality.BAD_WAITING_FOR_INITIAL_DATA, now));
        }
        listeners = new ServiceTracker<>(context, TagValueListener.class, null);
        listeners.open();
    }

    /** A tag of the test PLC. */
    static Tag tag(String name, DataType type, double factor, int pollMs, String unit) {
        return new Tag(name, PLC.name(), type == DataType.BOOL ? Area.COIL : Area.HOLDING_REGISTER, 0, type,
                factor == 1 ? Scaling.NONE : new Scaling(factor, 0), pollMs, unit, name + " for tests");
    }

    /** Registers this plant as the TagValues service, as SCR registers the Plant when its project is loaded. */
    TestPlant register(BundleContext context) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_RANKING, 100); // above a real Plant, should the framework hold one
        registration = context.registerService(TagValues.class, this, properties);
        return this;
    }

    /** A new value of {@code tag}, pushed to the listeners when value or quality changed, as the Plant does. */
    void set(String tag, double value, long quality, Instant sourceTime) {
        TagValue now = new TagValue(tag, value, quality, sourceTime);
        TagValue before = values.put(tag, now);
        if (before == null || before.quality() != quality
                || Double.doubleToLongBits(before.value()) != Double.doubleToLongBits(value)) {
            for (Object l : Optional.ofNullable(listeners.getServices()).orElse(new Object[0])) {
                ((TagValueListener) l).changed(now);
            }
        }
    }

    void polling(boolean on) {
        polling = on;
    }

    @Override
    public Project project() {
        return project;
    }

    @Override
    public List<TagValue> snapshot() {
        List<TagValue> all = new ArrayList<>();
        project.tags().forEach(t -> all.add(values.get(t.name())));
        return all;
    }

    @Override
    public Optional<TagValue> current(String tag) {
        return Optional.ofNullable(values.get(tag));
    }

    @Override
    public boolean polling() {
        return polling;
    }

    /** Withdraws the service, as SCR does when the project is unloaded or replaced. */
    @Override
    public void close() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        listeners.close();
    }
}
