package scada.redundancy.runtime.internal;

import java.io.IOException;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Constants of the link and the JSON messages that ride in its frames. */
public final class LinkProtocol {
    /** Raised when a frame's meaning changes; a peer of another version is refused at the handshake. */
    static final int VERSION = 2;
    static final String PRODUCT = "Duplex 0.1.0";
    /** No frame is larger: a longer length prefix closes the connection. */
    static final int MAX_FRAME_BYTES = 1 << 20;
    /** A connection that has not said HELLO by then is closed. */
    static final int HANDSHAKE_TIMEOUT_MS = 5000;

    static final String KIND_SERVER = "server";
    static final String KIND_MONITOR = "monitor";
    static final String KIND_PROBE = "probe";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // newer peers may add fields
            .build();

    private LinkProtocol() {
    }

    /** The first frame of a connection, and (as WELCOME) its answer. */
    public record Hello(int protocol, String product, String kind, String symbol, String address, int port, long term,
            String role, int health, String setFingerprint, String projectFingerprint, int periodMs, int timeoutMs) {
    }

    /** Why the accepting side refused. {@code code} is one of the {@code ConnectResult.Failure} names. */
    record Reject(String code, String reason) {
    }

    /** The primary {@code from} steps down; {@code successor} takes over in {@code term}. */
    record Handover(long term, String from, String successor) {
    }

    /**
     * @param stopping true when the sender stops its redundancy service (its role is free); false
     *                 when only this link restarts (a configuration change): no failover for that
     */
    record Goodbye(String reason, boolean stopping) {
    }

    record FailbackRequest(String from) {
    }

    /** Actions a monitoring client may ask of a server. */
    static final String ACTION_TRY_TO_CONNECT = "try-to-connect";
    static final String ACTION_VERIFY = "verify";
    static final String ACTION_HAND_OVER = "hand-over";

    /**
     * @param action    one of the ACTION_ names
     * @param partner   the partner's Symbol (try-to-connect, verify)
     * @param timeoutMs how long the server may take
     */
    public record ActionRequest(String action, String partner, int timeoutMs) {
    }

    /** The action's result as JSON ({@code ConnectResult}, {@code VerifyResult} or the successor's Symbol), or an error. */
    public record ActionResult(com.fasterxml.jackson.databind.JsonNode value, String error) {
    }

    /**
     * One server's configuration as Verify compares it.
     *
     * @param configuration the configuration file's text
     */
    record ConfigView(String symbol, String address, int port, String configuration, String setFingerprint,
            String projectFingerprint, String certificateFingerprint) {
    }

    static byte[] toJson(Object message) {
        try {
            return JSON.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    static <T> T fromJson(Frame frame, Class<T> type) throws ProtocolException {
        try {
            T value = JSON.readValue(frame.payload(), type);
            if (value == null) {
                throw new ProtocolException(frame.type() + " frame with a null body");
            }
            return value;
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new ProtocolException("malformed " + frame.type() + " frame: " + why, e);
        }
    }

    static ObjectMapper json() {
        return JSON;
    }
}
