package scada.redundancy.runtime.link;

/** A peer broke the protocol: the connection is closed with this reason, the server goes on. */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String reason) {
        super(reason);
    }

    public ProtocolException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
