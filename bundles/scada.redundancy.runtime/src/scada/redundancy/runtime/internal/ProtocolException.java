package scada.redundancy.runtime.internal;

/** A peer broke the protocol: the connection is closed with this reason, the server goes on. */
final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    ProtocolException(String reason) {
        super(reason);
    }

    ProtocolException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
