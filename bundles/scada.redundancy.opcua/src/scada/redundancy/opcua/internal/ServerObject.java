package scada.redundancy.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;

import java.time.Instant;
import java.util.List;

import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.api.methods.MethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.model.nodes.objects.ServerTypeNode;
import org.eclipse.milo.opcua.sdk.server.model.nodes.variables.PropertyTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNode;
import org.eclipse.milo.opcua.stack.core.Identifiers;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.RedundancySupport;
import org.eclipse.milo.opcua.stack.core.types.enumerated.ServerState;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;

/**
 * The standard Server object's redundancy information (OPC UA Part 5 §6.3.7 and Part 4
 * §6.6.2): {@code Server/ServerRedundancy} typed NonTransparentRedundancyType with
 * {@code RedundancySupport} (Cold or Warm) and {@code ServerUriArray} (the other servers of the
 * set), {@code Server/ServiceLevel}, {@code Server/ServerStatus/State} and
 * {@code Server/EstimatedReturnTime} for maintenance, and the handler of
 * {@code Server/RequestServerStateChange}. Milo's nodes are written from one thread, the OPC UA
 * component's ("duplex-opcua").
 * <p>
 * No {@code RedundantServerArray}: that property belongs to TransparentRedundancyType (Part 5
 * §6.3.8), where the servers of a set share one application URI and the set fails over behind
 * the client's back; ours are separate servers, each with its own URI and endpoint, which
 * non-transparent redundancy describes with {@code ServerUriArray}. A client finds each
 * partner's endpoint URL by FindServers with those URIs (see {@link OpcUaComponent}).
 */
final class ServerObject {
    /** How often a client may sample ServiceLevel: well below every Period, so a change reaches it within one. */
    static final double SERVICE_LEVEL_SAMPLING_MS = 50.0;

    private final ServerTypeNode server;
    private final PropertyTypeNode serverUriArray;
    private int serviceLevel = -1;

    ServerObject(OpcUaServer opcUa, RedundancySupport support) {
        this.server = (ServerTypeNode) opcUa.getAddressSpaceManager().getManagedNode(Identifiers.Server)
                .orElseThrow(() -> new IllegalStateException("Milo's address space has no Server object"));
        UaNode redundancy = server.getServerRedundancyNode();
        // ServerUriArray is a property of NonTransparentRedundancyType (Cold, Warm, Hot): retype the
        // object so that a client browsing it finds the property its type promises.
        redundancy.removeReference(new Reference(redundancy.getNodeId(), Identifiers.HasTypeDefinition,
                Identifiers.ServerRedundancyType.expanded(), true));
        redundancy.addReference(new Reference(redundancy.getNodeId(), Identifiers.HasTypeDefinition,
                Identifiers.NonTransparentRedundancyType.expanded(), true));
        server.getServerRedundancyNode().setRedundancySupport(support);
        serverUriArray = new PropertyTypeNode(redundancy.getNodeContext(), Identifiers.Server_ServerRedundancy_ServerUriArray,
                new QualifiedName(0, "ServerUriArray"), LocalizedText.english("ServerUriArray"),
                LocalizedText.english("The application URIs of the other servers of this redundancy set"),
                UInteger.valueOf(0), UInteger.valueOf(0));
        serverUriArray.setDataType(Identifiers.String);
        serverUriArray.setValueRank(1);
        serverUriArray.setArrayDimensions(new UInteger[] { UInteger.valueOf(0) });
        serverUriArray.setAccessLevel(AccessLevel.toValue(AccessLevel.READ_ONLY));
        serverUriArray.setUserAccessLevel(AccessLevel.toValue(AccessLevel.READ_ONLY));
        serverUriArray.setMinimumSamplingInterval(1000.0);
        serverUriArray.setValue(new DataValue(new Variant(new String[0])));
        serverUriArray.addReference(new Reference(serverUriArray.getNodeId(), Identifiers.HasTypeDefinition,
                Identifiers.PropertyType.expanded(), true));
        redundancy.getNodeContext().getNodeManager().addNode(serverUriArray);
        redundancy.addReference(new Reference(redundancy.getNodeId(), Identifiers.HasProperty,
                serverUriArray.getNodeId().expanded(), true));
        server.getServiceLevelNode().setMinimumSamplingInterval(SERVICE_LEVEL_SAMPLING_MS);
        setServiceLevel(ServiceLevel.NO_DATA);
    }

    void setServerUris(List<String> uris) {
        serverUriArray.setValue(new DataValue(new Variant(uris.toArray(String[]::new))));
    }

    void setRedundancySupport(RedundancySupport support) {
        server.getServerRedundancyNode().setRedundancySupport(support);
    }

    /** Writes the value only when it changed, so that subscribers see changes, not repeats. */
    void setServiceLevel(int level) {
        if (level != serviceLevel) {
            serviceLevel = level;
            server.setServiceLevel(ubyte(level));
        }
    }

    int serviceLevel() {
        return serviceLevel;
    }

    /** ServerStatus/State and EstimatedReturnTime: Suspended with a return time while in maintenance, else Running. */
    void setMaintenance(Maintenance maintenance) {
        if (maintenance.on()) {
            server.getServerStatusNode().setState(ServerState.Suspended);
            server.setEstimatedReturnTime(maintenance.estimatedReturn() == null ? DateTime.NULL_VALUE
                    : new DateTime(maintenance.estimatedReturn()));
        } else {
            server.getServerStatusNode().setState(ServerState.Running);
            server.setEstimatedReturnTime(DateTime.NULL_VALUE);
        }
    }

    void onRequestServerStateChange(MethodInvocationHandler handler, Argument[] inputs) {
        UaMethodNode method = server.getRequestServerStateChangeMethodNode();
        method.setInvocationHandler(handler);
        method.setInputArguments(inputs);
        method.setOutputArguments(new Argument[0]);
    }

    /**
     * Whether this server is in maintenance, and until when its administrator expects it back.
     *
     * @param estimatedReturn null when not given
     */
    record Maintenance(boolean on, Instant estimatedReturn, String reason) {
        static final Maintenance OFF = new Maintenance(false, null, "");
    }
}
