package scada.redundancy.runtime.link;

/**
 * The frames of the redundancy link, protocol version {@value LinkProtocol#VERSION}. A frame on
 * the wire is {@code [length: int32][type: uint8][payload]} inside TLS; the length covers type and
 * payload and is at most {@link LinkProtocol#MAX_FRAME_BYTES}.
 */
public enum FrameType {
    /** First frame of the connecting side: who it is and what it wants (JSON). */
    HELLO(1),
    /** The accepting side's answer: who it is (JSON). */
    WELCOME(2),
    /** The accepting side refuses, with the reason (JSON); then it closes. */
    REJECT(3),
    /** Every Period: role, term, sequence, health, clocks for the round-trip time (binary). */
    HEARTBEAT(4),
    /** The primary steps down and names its successor (JSON). */
    HANDOVER(5),
    /** A graceful close: the sender stops on purpose (JSON). */
    GOODBYE(6),
    /** A monitoring client asks for the status (empty). */
    STATUS_REQUEST(7),
    /** The status, answered or pushed on change (JSON). */
    STATUS(8),
    /** Asks for the peer's configuration view for Verify (empty). */
    VERIFY_REQUEST(9),
    /** The configuration view (JSON). */
    VERIFY_RESPONSE(10),
    /** A backup asks a manual-fail-back primary to hand the role back (JSON). */
    FAILBACK_REQUEST(11),
    /** A monitoring client asks the server to act: try-to-connect, verify, hand-over (JSON). */
    ACTION_REQUEST(12),
    /** The result of an action (JSON). */
    ACTION_RESULT(13),
    /** A message of another service on a named channel (binary: name length, name, message). */
    CHANNEL(14),
    /** The receiver consumed bytes of a channel: the sender may send that much more (binary). */
    CREDIT(15);

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static FrameType of(int code) {
        for (FrameType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
