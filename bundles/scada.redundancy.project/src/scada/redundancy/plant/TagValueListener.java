package scada.redundancy.plant;

/**
 * Register as an OSGi service (whiteboard) to hear each change of a tag's value or quality. Called
 * on the thread that polls the tag's PLC: return quickly and never block (hand the value to a
 * queue of your own); an exception is logged and ignored.
 */
public interface TagValueListener {
    void changed(TagValue value);
}
