package scada.redundancy.dbsync.internal;

/** The store failed (unreachable, disk full, a damaged row); the message is a plain sentence for the status. */
public final class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int rowsApplied;

    public StoreException(String message, Throwable cause) {
        this(message, cause, 0);
    }

    public StoreException(String message) {
        this(message, null, 0);
    }

    private StoreException(String message, Throwable cause, int rowsApplied) {
        super(message, cause);
        this.rowsApplied = rowsApplied;
    }

    /**
     * This failure, saying that {@code rows} new rows of the failed {@link ReplicaStore#apply} were
     * committed before it (in earlier transactions of the same call) and stay.
     */
    StoreException afterApplying(int rows) {
        StoreException e = new StoreException(getMessage(), getCause(), rows);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** For a failed {@link ReplicaStore#apply}: the new rows it committed before it failed; 0 otherwise. */
    public int rowsApplied() {
        return rowsApplied;
    }
}
