package scada.redundancy.opcua.internal;

import java.time.Instant;

import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.api.AccessContext;
import org.eclipse.milo.opcua.sdk.server.api.methods.MethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.model.methods.RequestServerStateChangeMethod;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.DiagnosticInfo;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.ServerState;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;

/**
 * {@code Server/RequestServerStateChange} (Part 5 §6.3.1, Part 4 §6.6.2.4.2): State Suspended
 * puts this server into maintenance, Running takes it out; any other state is not supported
 * (Bad_NotSupported). Only an administrator may call it (Bad_UserAccessDenied otherwise);
 * SecondsTillShutdown and Restart are ignored (this server does not shut itself down on request).
 * A primary that cannot hand over is refused with Bad_InvalidState, the reason in the server's
 * log.
 * <p>
 * A handler of its own rather than Milo's AbstractMethodInvocationHandler: that one demands the
 * State argument's DataType be ServerState itself, while clients send an enumeration, as the
 * standard encodes it, as Int32 — so every standard client would be refused.
 */
final class ServerStateChangeMethod implements MethodInvocationHandler {
    static final Argument[] INPUTS = { RequestServerStateChangeMethod.STATE,
            RequestServerStateChangeMethod.ESTIMATED_RETURN_TIME, RequestServerStateChangeMethod.SECONDS_TILL_SHUTDOWN,
            RequestServerStateChangeMethod.REASON, RequestServerStateChangeMethod.RESTART };

    private final OpcUaComponent component;

    ServerStateChangeMethod(OpcUaComponent component) {
        this.component = component;
    }

    @Override
    public CallMethodResult invoke(AccessContext access, CallMethodRequest request) {
        Variant[] in = request.getInputArguments() == null ? new Variant[0] : request.getInputArguments();
        if (in.length < INPUTS.length) {
            return result(StatusCodes.Bad_ArgumentsMissing);
        }
        if (in.length > INPUTS.length) {
            return result(StatusCodes.Bad_TooManyArguments);
        }
        Session session = access.getSession().orElse(null);
        if (session == null || !component.isAdministrator(session.getIdentityObject())) {
            OpcUaComponent.log("RequestServerStateChange refused: the session "
                    + (session == null ? "(none)" : session.getSessionName())
                    + " is not an administrator's (its X509 user certificate is not listed in administrators.txt)");
            return result(StatusCodes.Bad_UserAccessDenied);
        }
        ServerState state = state(in[0].getValue());
        if (state == null) {
            return result(StatusCodes.Bad_InvalidArgument);
        }
        Instant estimatedReturn = in[1].getValue() instanceof DateTime d && !d.isNull() ? d.getJavaInstant() : null;
        String reason = in[3].getValue() instanceof LocalizedText t && t.getText() != null ? t.getText() : "";
        if (state == ServerState.Suspended) {
            try {
                component.enterMaintenance(estimatedReturn, reason);
            } catch (IllegalStateException e) {
                OpcUaComponent.log("RequestServerStateChange(Suspended) refused: " + e.getMessage());
                return result(StatusCodes.Bad_InvalidState);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result(StatusCodes.Bad_Shutdown);
            }
        } else if (state == ServerState.Running) {
            component.leaveMaintenance();
        } else {
            OpcUaComponent.log("RequestServerStateChange(" + state + ") refused: only Suspended (maintenance) and Running are supported");
            return result(StatusCodes.Bad_NotSupported);
        }
        return new CallMethodResult(StatusCode.GOOD, new StatusCode[0], new DiagnosticInfo[0], new Variant[0]);
    }

    private static CallMethodResult result(long status) {
        return new CallMethodResult(new StatusCode(status), new StatusCode[0], new DiagnosticInfo[0], new Variant[0]);
    }

    /** The standard encodes an enumeration as Int32; a decoded ServerState is taken too. Null when it is neither. */
    private static ServerState state(Object value) {
        if (value instanceof ServerState s) {
            return s;
        }
        return value instanceof Integer i ? ServerState.from(i) : null;
    }
}
