package scada.redundancy.runtime;

/**
 * The result of Try To Connect.
 *
 * @param connected     whether a redundancy server answered and authenticated
 * @param partnerSymbol the Symbol the partner announced, or empty
 * @param role          the partner's role, or empty
 * @param term          the partner's term, or -1
 * @param version       the partner's protocol and product version, or empty
 * @param rttMs         the round-trip time of the handshake in ms, or -1
 * @param failure       the kind of failure, or {@code null} when connected
 * @param detail        a plain sentence: what happened and what to do
 */
public record ConnectResult(boolean connected, String partnerSymbol, String role, long term, String version,
        double rttMs, Failure failure, String detail) {

    /** Why a connection failed, precisely. */
    public enum Failure {
        /** The host answered but nothing listens on the port (the server is not running or redundancy is off). */
        REFUSED,
        /** No answer within the timeout (host down, cable cut, firewall dropping). */
        TIMED_OUT,
        /** The TLS handshake failed: a certificate is not trusted on one side. */
        AUTHENTICATION_FAILED,
        /** Something answered that is not a redundancy server (or speaks another protocol version). */
        NOT_A_REDUNDANCY_SERVER,
        /** A redundancy server answered but refused us (wrong port, not configured as its partner, ...). */
        REJECTED,
        /** The address cannot be reached at all (no route, bad address). */
        UNREACHABLE
    }

    public static ConnectResult failed(Failure failure, String detail) {
        return new ConnectResult(false, "", "", -1, "", -1, failure, detail);
    }
}
