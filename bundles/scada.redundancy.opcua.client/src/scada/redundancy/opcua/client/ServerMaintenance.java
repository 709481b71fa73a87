package scada.redundancy.opcua.client;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.Identifiers;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.ServerState;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;

/**
 * Planned maintenance the standard way: {@code Server/RequestServerStateChange} (OPC UA Part 5
 * §6.3.1) with State Suspended puts a server into maintenance (its ServiceLevel drops to 0 and
 * clients leave it; a Duplex primary first hands over), Running takes it out. The session's user
 * is the identity's X509 certificate, which the server must list as an administrator.
 */
public final class ServerMaintenance {
    /** A Duplex primary hands over before it suspends: allow for its hand-over timeout (10 s). */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    private ServerMaintenance() {
    }

    /**
     * Asks the server at {@code endpointUrl} to enter ({@code on}) or leave maintenance.
     *
     * @param returnIn when it expects to serve again (its EstimatedReturnTime); null when not known
     * @param reason   why, shown by the server
     * @throws IOException with a plain-language message when the server cannot be reached or refuses
     */
    public static void request(String endpointUrl, ClientIdentity identity, boolean on, Duration returnIn, String reason,
            Duration connectTimeout) throws IOException, InterruptedException {
        SecureConnection.Opened opened;
        try {
            opened = SecureConnection.open(endpointUrl, identity, false, connectTimeout, Duration.ofSeconds(5))
                    .get(connectTimeout.toMillis() * 3, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(SecureConnection.unwrap(e).getMessage(), SecureConnection.unwrap(e));
        } catch (TimeoutException e) {
            throw new IOException(endpointUrl + " does not answer within " + connectTimeout.toMillis() * 3 + " ms");
        }
        OpcUaClient client = opened.client();
        try {
            Variant returnTime = new Variant(returnIn == null ? DateTime.NULL_VALUE : new DateTime(Instant.now().plus(returnIn)));
            CallMethodResult result = client.call(new CallMethodRequest(Identifiers.Server,
                    Identifiers.Server_RequestServerStateChange, new Variant[] {
                            new Variant((on ? ServerState.Suspended : ServerState.Running).getValue()), returnTime,
                            new Variant(UInteger.valueOf(0)), new Variant(LocalizedText.english(reason == null ? "" : reason)),
                            new Variant(false) }))
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            StatusCode status = result.getStatusCode();
            if (!status.isGood()) {
                throw new IOException(refusal(endpointUrl, identity, on, status.getValue()));
            }
        } catch (ExecutionException e) {
            throw new IOException(endpointUrl + ": RequestServerStateChange failed: "
                    + SecureConnection.explain(endpointUrl, identity, e), SecureConnection.unwrap(e));
        } catch (TimeoutException e) {
            throw new IOException(endpointUrl + ": RequestServerStateChange got no answer within " + CALL_TIMEOUT.toSeconds() + " s");
        } finally {
            try {
                client.disconnect().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // the server closes the session when it times out
            }
        }
    }

    static String refusal(String endpointUrl, ClientIdentity identity, boolean on, long status) {
        String name = SecureConnection.name(status);
        if (status == StatusCodes.Bad_UserAccessDenied) {
            return endpointUrl + " refused (" + name + "): this identity is not an administrator of that server. Add the line '"
                    + identity.fingerprint() + " " + identity.applicationUri()
                    + "' to DATA/opcua/administrators.txt of that server (read at each call, no restart)";
        }
        if (status == StatusCodes.Bad_InvalidState) {
            return endpointUrl + " refused (" + name + "): it is the primary and no backup can take over now, so it stays in"
                    + " service (its log says why); start or repair a backup and try again";
        }
        if (status == StatusCodes.Bad_NotSupported || status == StatusCodes.Bad_MethodInvalid
                || status == StatusCodes.Bad_NotImplemented) {
            return endpointUrl + " does not support RequestServerStateChange (" + name + ")";
        }
        return endpointUrl + " refused to " + (on ? "enter" : "leave") + " maintenance: " + name;
    }
}
