package scada.redundancy.opcua.client;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.api.config.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.api.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.api.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.api.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.client.DiscoveryClient;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;

/**
 * Opens one Milo session the way a Duplex server asks for it: the endpoint learnt by GetEndpoints
 * (on the URL's {@code /discovery} path, where a Duplex server answers discovery without
 * security, else on the URL itself), SignAndEncrypt with Basic256Sha256, this client's application
 * certificate, and its X509 user identity (or anonymous). Asynchronous, with explicit timeouts;
 * failures are turned into sentences that say what to do.
 */
final class SecureConnection {
    static final String DISCOVERY_PATH = "/discovery";

    /** An open session and where it was found. */
    record Opened(OpcUaClient client, EndpointDescription endpoint, String discoveryUrl) {
    }

    private SecureConnection() {
    }

    /**
     * Opens a session with the server at {@code endpointUrl}; the future fails with an
     * {@link java.io.IOException} whose message is plain language (see {@link #explain}).
     */
    static CompletableFuture<Opened> open(String endpointUrl, ClientIdentity identity, boolean anonymous, Duration timeout,
            Duration keepAliveInterval) {
        long ms = timeout.toMillis();
        String discoveryUrl = withoutTrailingSlash(endpointUrl) + DISCOVERY_PATH;
        // A Duplex server answers discovery on /discovery only (its secure endpoint refuses, and logs, an
        // unsecured channel): ask there first, then on the URL itself as other servers expect.
        return DiscoveryClient.getEndpoints(discoveryUrl).orTimeout(ms, TimeUnit.MILLISECONDS)
                .thenApply(list -> new Discovered(list, discoveryUrl))
                .exceptionallyCompose(first -> isRefusedOrTimedOut(first)
                        ? CompletableFuture.failedFuture(first) // nothing listens: the other path would not answer either
                        : DiscoveryClient.getEndpoints(endpointUrl).orTimeout(ms, TimeUnit.MILLISECONDS)
                                .thenApply(list -> new Discovered(list, endpointUrl)))
                .thenCompose(found -> {
                    EndpointDescription endpoint = pick(found.endpoints(), endpointUrl, anonymous);
                    IdentityProvider user = anonymous ? new AnonymousProvider()
                            : new X509IdentityProvider(identity.certificate(), identity.keyPair().getPrivate());
                    OpcUaClient client;
                    try {
                        client = OpcUaClient.create(OpcUaClientConfig.builder()
                                .setApplicationName(LocalizedText.english("Duplex failover client"))
                                .setApplicationUri(identity.applicationUri())
                                .setEndpoint(endpoint)
                                .setKeyPair(identity.keyPair())
                                .setCertificate(identity.certificate())
                                .setIdentityProvider(user)
                                .setCertificateValidator(new ServerTrust(identity))
                                .setConnectTimeout(uint(ms))
                                .setRequestTimeout(uint(ms))
                                .setKeepAliveInterval(uint(keepAliveInterval.toMillis()))
                                .setKeepAliveTimeout(uint(keepAliveInterval.toMillis()))
                                .setKeepAliveFailuresAllowed(uint(1))
                                .build());
                    } catch (UaException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                    return client.connect().orTimeout(ms, TimeUnit.MILLISECONDS)
                            .handle((ok, failure) -> {
                                if (failure != null) {
                                    client.disconnect(); // stops Milo from trying again: the caller decides when
                                    throw new CompletionException(failure);
                                }
                                return new Opened(client, endpoint, found.url());
                            });
                })
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        new java.io.IOException(explain(endpointUrl, identity, e), unwrap(e))));
    }

    private record Discovered(List<EndpointDescription> endpoints, String url) {
    }

    /** The SignAndEncrypt Basic256Sha256 endpoint offering the user token needed, its address as the caller gave it. */
    private static EndpointDescription pick(List<EndpointDescription> endpoints, String endpointUrl, boolean anonymous) {
        UserTokenType token = anonymous ? UserTokenType.Anonymous : UserTokenType.Certificate;
        EndpointDescription secure = endpoints.stream()
                .filter(e -> SecurityPolicy.Basic256Sha256.getUri().equals(e.getSecurityPolicyUri())
                        && e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt)
                .filter(e -> e.getUserIdentityTokens() != null && java.util.Arrays.stream(e.getUserIdentityTokens())
                        .anyMatch(t -> t.getTokenType() == token))
                .findFirst()
                .orElseThrow(() -> new CompletionException(new UaException(StatusCodes.Bad_SecurityPolicyRejected,
                        "the server offers no SignAndEncrypt Basic256Sha256 endpoint with " + (anonymous
                                ? "anonymous sessions (a Duplex server allows them only with -Dduplex.opcua.anonymous=true)"
                                : "X509 user certificates"))));
        // The server names its own address (its bind address); the caller's address is the one that reaches it.
        return EndpointUtil.updateUrl(secure, EndpointUtil.getHost(endpointUrl), EndpointUtil.getPort(endpointUrl));
    }

    static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static boolean isRefusedOrTimedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof TimeoutException
                    || String.valueOf(t.getMessage()).contains("Connection refused")) {
                return true;
            }
        }
        return false;
    }

    /** The status code of the first UaException in the chain, or 0. */
    static long statusCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UaException ua) {
                return ua.getStatusCode().getValue();
            }
        }
        return 0;
    }

    /** A failure to open a session, in plain language, with what to do. */
    static String explain(String endpointUrl, ClientIdentity identity, Throwable failure) {
        Throwable cause = unwrap(failure);
        long status = statusCode(failure);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UaException ua && ua.getMessage() != null
                    && ua.getMessage().contains("this client does not trust the server's certificate")) {
                return endpointUrl + ": " + ua.getMessage().substring(ua.getMessage().indexOf("this client does not trust"));
            }
        }
        if (status == StatusCodes.Bad_SecurityChecksFailed || status == StatusCodes.Bad_CertificateUntrusted
                || status == StatusCodes.Bad_IdentityTokenRejected || status == StatusCodes.Bad_UserAccessDenied
                || status == StatusCodes.Bad_IdentityTokenInvalid) {
            String certificate;
            try {
                certificate = identity.certificateFile().toString();
            } catch (java.io.IOException e) {
                certificate = "this client's certificate";
            }
            return endpointUrl + " refused this client's certificate (" + name(status) + "): it is not in the server's trust list."
                    + " Approve it on the server: copy " + certificate + " into DATA/opcua/pki/trusted/certs of that server"
                    + " (or move it there from DATA/opcua/pki/rejected); SHA-256 " + identity.fingerprint();
        }
        if (isRefusedOrTimedOut(failure)) {
            return endpointUrl + " does not answer (" + (cause instanceof TimeoutException ? "timed out" : "connection refused")
                    + "): is the server running and its OPC UA port right?";
        }
        if (status != 0) {
            return endpointUrl + ": " + name(status) + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")");
        }
        return endpointUrl + ": " + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
    }

    static String name(long status) {
        return StatusCodes.lookup(status).map(n -> n[0]).orElse(String.format("0x%08X", status));
    }
}
