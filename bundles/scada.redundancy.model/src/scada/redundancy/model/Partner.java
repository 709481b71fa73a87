package scada.redundancy.model;

import java.util.Locale;
import java.util.Objects;

/**
 * One row of "Partners": a server that backs this one up (or that this one backs up).
 *
 * @param no                index number of the partner, unique and positive
 * @param symbol            the partner's name, unique in the redundancy set
 * @param ipAddress         the partner's IPv4 or IPv6 address (no host names: see the README)
 * @param port              the partner's redundancy port; must equal the local port
 * @param periodMs          heartbeat period in ms
 * @param timeoutMs         silence after which the partner is considered offline, in ms
 * @param retryCount        reconnection attempts after the link is lost before the partner shows Fault
 * @param activate          whether the link to this partner is used
 * @param comment           free text
 * @param certificateSha256 the SHA-256 fingerprint of the partner's link certificate (hex, colons
 *                          allowed), or empty to use the certificates approved on the server
 */
public record Partner(int no, String symbol, String ipAddress, int port, int periodMs, int timeoutMs,
        int retryCount, boolean activate, String comment, String certificateSha256) {

    public static final int DEFAULT_PERIOD_MS = 1000;
    public static final int DEFAULT_TIMEOUT_MS = 3000;
    public static final int DEFAULT_RETRY_COUNT = 3;
    /** The recommended ratio of Timeout to Period. */
    public static final int RECOMMENDED_TIMEOUT_FACTOR = 3;
    /** Below this ratio of Timeout to Period a single late heartbeat causes a failover: an error. */
    public static final int MINIMUM_TIMEOUT_FACTOR = 2;

    public Partner {
        symbol = Objects.requireNonNullElse(symbol, "");
        ipAddress = Objects.requireNonNullElse(ipAddress, "");
        comment = Objects.requireNonNullElse(comment, "");
        certificateSha256 = Objects.requireNonNullElse(certificateSha256, "");
    }

    /** A new partner with the recommended defaults (Period 1000, Timeout 3000, Retry Count 3). */
    public static Partner defaults(int no, String symbol, String ipAddress, int port) {
        return new Partner(no, symbol, ipAddress, port, DEFAULT_PERIOD_MS, DEFAULT_TIMEOUT_MS, DEFAULT_RETRY_COUNT,
                true, "", "");
    }

    /** The pinned certificate fingerprint as 64 lower-case hex digits without colons, or empty. */
    public String normalizedCertificateSha256() {
        return certificateSha256.replace(":", "").trim().toLowerCase(Locale.ROOT);
    }

    public Partner withNo(int value) {
        return new Partner(value, symbol, ipAddress, port, periodMs, timeoutMs, retryCount, activate, comment,
                certificateSha256);
    }

    public Partner withSymbol(String value) {
        return new Partner(no, value, ipAddress, port, periodMs, timeoutMs, retryCount, activate, comment,
                certificateSha256);
    }

    public Partner withIpAddress(String value) {
        return new Partner(no, symbol, value, port, periodMs, timeoutMs, retryCount, activate, comment,
                certificateSha256);
    }

    public Partner withPort(int value) {
        return new Partner(no, symbol, ipAddress, value, periodMs, timeoutMs, retryCount, activate, comment,
                certificateSha256);
    }

    public Partner withPeriodMs(int value) {
        return new Partner(no, symbol, ipAddress, port, value, timeoutMs, retryCount, activate, comment,
                certificateSha256);
    }

    public Partner withTimeoutMs(int value) {
        return new Partner(no, symbol, ipAddress, port, periodMs, value, retryCount, activate, comment,
                certificateSha256);
    }

    public Partner withRetryCount(int value) {
        return new Partner(no, symbol, ipAddress, port, periodMs, timeoutMs, value, activate, comment,
                certificateSha256);
    }

    public Partner withActivate(boolean value) {
        return new Partner(no, symbol, ipAddress, port, periodMs, timeoutMs, retryCount, value, comment,
                certificateSha256);
    }

    public Partner withComment(String value) {
        return new Partner(no, symbol, ipAddress, port, periodMs, timeoutMs, retryCount, activate, value,
                certificateSha256);
    }

    public Partner withCertificateSha256(String value) {
        return new Partner(no, symbol, ipAddress, port, periodMs, timeoutMs, retryCount, activate, comment, value);
    }
}
