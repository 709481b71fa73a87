package scada.redundancy.dbsync.internal;

/** A frame on the DB sync channel that is not a message of this engine's format; the text says what is wrong. */
public final class SyncMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The format the frame claims when it is another than {@link SyncMessageCodec#FORMAT}, else 0. */
    private final int otherFormat;

    public SyncMessageException(String message) {
        this(0, message);
    }

    public SyncMessageException(int otherFormat, String message) {
        super(message);
        this.otherFormat = otherFormat;
    }

    /** The partner's format when it speaks another one, else 0. */
    public int otherFormat() {
        return otherFormat;
    }
}
