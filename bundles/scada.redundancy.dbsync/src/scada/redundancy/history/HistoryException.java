package scada.redundancy.history;

/** A row was not recorded; the message says why in plain words and what to do. */
public class HistoryException extends Exception {
    private static final long serialVersionUID = 1L;

    public HistoryException(String message) {
        super(message);
    }

    public HistoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
