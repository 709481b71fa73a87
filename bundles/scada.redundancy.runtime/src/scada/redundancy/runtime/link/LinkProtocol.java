package scada.redundancy.runtime.link;

import java.io.IOException;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Constants of the link and the JSON messages that ride in its frames. */
public final class LinkProtocol {
    /**
     * The newest protocol this server speaks. Raised when a frame's meaning changes. Version 3:
     * heartbeats say whether the sender hears a live primary and carry roles by explicit code.
     */
    public static final int VERSION = 3;
    /**
     * The oldest protocol this server still speaks. A HELLO says {@code protocol} = the oldest and
     * {@code protocolMax} = the newest its sender speaks (a version-2 server knows only the first
     * and ignores the second), and each link speaks the newest version both sides know: a server
     * one version newer joins a running set (rolling upgrade).
     */
    public static final int OLDEST_VERSION = 2;
    public static final String PRODUCT = "Duplex 0.1.0";
    /** No frame is larger: a longer length prefix closes the connection. */
    public static final int MAX_FRAME_BYTES = 1 << 20;
    /** A connection that has not said HELLO by then is closed. */
    public static final int HANDSHAKE_TIMEOUT_MS = 5000;

    public static final String KIND_SERVER = "server";
    public static final String KIND_MONITOR = "monitor";
    public static final String KIND_PROBE = "probe";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // newer peers may add fields
            .build();

    private LinkProtocol() {
    }

    /** The first frame of a connection, and (as WELCOME) its answer. */
    public record Hello(int protocol, String product, String kind, String symbol, String address, int port, long term,
            String role, int health, String setFingerprint, String projectFingerprint, int periodMs, int timeoutMs,
            int protocolMax) {
    }

    /**
     * The version a link speaks with the sender of {@code hello}, or -1 when the two have no
     * version in common.
     */
    public static int negotiate(Hello hello) {
        int theirOldest = hello.protocol();
        int theirNewest = Math.max(hello.protocol(), hello.protocolMax());
        int common = Math.min(VERSION, theirNewest);
        return common >= Math.max(OLDEST_VERSION, theirOldest) ? common : -1;
    }

    /** A plain sentence for a peer that has no version in common with this server. */
    public static String versionMismatch(Hello hello) {
        return "it speaks redundancy protocol " + hello.protocol()
                + (hello.protocolMax() > hello.protocol() ? " to " + hello.protocolMax() : "") + ", this server speaks "
                + OLDEST_VERSION + " to " + VERSION + " (" + PRODUCT + "): update one of them";
    }

    /** Why the accepting side refused. {@code code} is one of the {@code ConnectResult.Failure} names. */
    public record Reject(String code, String reason) {
    }

    /** The primary {@code from} steps down; {@code successor} takes over in {@code term}. */
    public record Handover(long term, String from, String successor) {
    }

    /**
     * @param stopping true when the sender stops its redundancy service (its role is free); false
     *                 when only this link restarts (a configuration change): no failover for that
     */
    public record Goodbye(String reason, boolean stopping) {
    }

    public record FailbackRequest(String from) {
    }

    /** Actions a monitoring client may ask of a server. */
    public static final String ACTION_TRY_TO_CONNECT = "try-to-connect";
    public static final String ACTION_VERIFY = "verify";
    public static final String ACTION_HAND_OVER = "hand-over";
    /** Apply a deployment (this server's view of the set and the project): for operators, like the others. */
    public static final String ACTION_DEPLOY = "deploy";
    /**
     * Check a deployment as {@link #ACTION_DEPLOY} would (the configuration against this server's
     * rules, the project staged and read) and change nothing: the first step of a push to a set,
     * so that one server's refusal stops it before any server changes. Answered with a
     * {@link DeployAnswer} saying what a deploy would do.
     */
    public static final String ACTION_DEPLOY_CHECK = "deploy-check";

    /**
     * @param action    one of the ACTION_ names
     * @param partner   the partner's Symbol (try-to-connect, verify)
     * @param timeoutMs how long the server may take
     */
    public record ActionRequest(String action, String partner, int timeoutMs, Deployment deployment) {
        public ActionRequest(String action, String partner, int timeoutMs) {
            this(action, partner, timeoutMs, null);
        }
    }

    /**
     * What {@link #ACTION_DEPLOY} carries: one server's deployment (see
     * {@code scada.redundancy.runtime.deploy}). An older server ignores it and answers "unknown action".
     *
     * @param symbol             the Symbol of the server it is meant for
     * @param configuration      the configuration file's text (that server's view)
     * @param project            the project's files, relative '/'-separated path to Base64 content; empty for none
     * @param projectFingerprint the project's fingerprint as {@link Fingerprints#ofProject} computes it, or empty
     */
    public record Deployment(String symbol, String configuration, java.util.Map<String, String> project,
            String projectFingerprint) {
    }

    /**
     * A server's answer to {@link #ACTION_DEPLOY} once applied (a refusal is an error instead).
     *
     * @param configuration what happened to the configuration, in a sentence
     * @param project       what happened to the project, in a sentence
     */
    public record DeployAnswer(String symbol, String configuration, String project) {
    }

    /** The action's result as JSON ({@code ConnectResult}, {@code VerifyResult} or the successor's Symbol), or an error. */
    public record ActionResult(com.fasterxml.jackson.databind.JsonNode value, String error) {
    }

    /**
     * One server's configuration as Verify compares it.
     *
     * @param configuration the configuration file's text
     */
    public record ConfigView(String symbol, String address, int port, String configuration, String setFingerprint,
            String projectFingerprint, String certificateFingerprint) {
    }

    /**
     * Text that came from a peer, fit for a log line or a reply: control characters replaced and
     * cut to {@code max} characters, so that a 1 MiB Symbol is never echoed whole.
     */
    public static String peerText(String text, int max) {
        if (text == null) {
            return "";
        }
        String clean = text.codePoints().limit(max + 1L)
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.codePointCount(0, clean.length()) > max
                ? clean.substring(0, clean.offsetByCodePoints(0, max)) + "... (" + text.length() + " characters)"
                : clean;
    }

    /** A peer's name (Symbol, kind) for a message: at most 64 characters. */
    public static String peerName(String text) {
        return peerText(text, 64);
    }

    public static byte[] toJson(Object message) {
        try {
            return JSON.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    public static <T> T fromJson(Frame frame, Class<T> type) throws ProtocolException {
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

    public static ObjectMapper json() {
        return JSON;
    }
}
