package scada.redundancy.dbsync.internal;

/** The store failed (unreachable, disk full, a damaged row); the message is a plain sentence for the status. */
public final class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
