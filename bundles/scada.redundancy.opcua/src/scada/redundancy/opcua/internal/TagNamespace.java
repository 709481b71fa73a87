package scada.redundancy.opcua.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.api.DataItem;
import org.eclipse.milo.opcua.sdk.server.api.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.api.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.Identifiers;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * The plant's tags as OPC UA variables: the folder {@code Objects/Tags} in the namespace
 * {@value #URI}, one read-only variable per tag of the {@link TagSource}, node id
 * {@code ns=N;s=TAGNAME}, with the sample's value, status (Good, Uncertain, Bad) and source
 * timestamp. Called on the OPC UA component's thread only.
 */
final class TagNamespace extends ManagedNamespaceWithLifecycle {
    static final String URI = "urn:duplex:scada:tags";
    static final String FOLDER = "Tags";

    private final SubscriptionModel subscriptions;
    private UaFolderNode folder;
    private final Map<String, UaVariableNode> variables = new LinkedHashMap<>();

    TagNamespace(OpcUaServer server) {
        super(server, URI);
        subscriptions = new SubscriptionModel(server, this);
        getLifecycleManager().addLifecycle(subscriptions);
        getLifecycleManager().addStartupTask(this::addFolder);
    }

    private void addFolder() {
        folder = new UaFolderNode(getNodeContext(), newNodeId(FOLDER), newQualifiedName(FOLDER), LocalizedText.english(FOLDER));
        getNodeManager().addNode(folder);
        folder.addReference(new Reference(folder.getNodeId(), Identifiers.Organizes, Identifiers.ObjectsFolder.expanded(),
                false));
    }

    /** Replaces every variable by one per tag, each Bad_WaitingForInitialData until its first sample. */
    void setTags(List<TagSource.Tag> tags) {
        for (UaVariableNode v : variables.values()) {
            folder.removeOrganizes(v);
            getNodeManager().removeNode(v);
        }
        variables.clear();
        for (TagSource.Tag tag : tags) {
            UaVariableNode v = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                    .setNodeId(newNodeId(tag.name()))
                    .setBrowseName(newQualifiedName(tag.name()))
                    .setDisplayName(LocalizedText.english(tag.name()))
                    .setDescription(LocalizedText.english(tag.description()))
                    .setDataType(dataType(tag.type()))
                    .setTypeDefinition(Identifiers.BaseDataVariableType)
                    .setAccessLevel(AccessLevel.READ_ONLY)
                    .setUserAccessLevel(AccessLevel.READ_ONLY)
                    .setValue(new DataValue(StatusCodes.Bad_WaitingForInitialData))
                    .build();
            getNodeManager().addNode(v);
            folder.addOrganizes(v);
            variables.put(tag.name(), v);
        }
    }

    /** The tag's new sample; a tag that is not (or no longer) in the list is ignored. */
    void update(String tag, TagSource.Sample sample) {
        UaVariableNode v = variables.get(tag);
        if (v == null) {
            return;
        }
        StatusCode status = switch (sample.quality()) {
            case GOOD -> StatusCode.GOOD;
            case UNCERTAIN -> new StatusCode(StatusCodes.Uncertain_LastUsableValue);
            case BAD -> new StatusCode(StatusCodes.Bad_NoCommunication);
        };
        Variant value = sample.value() == null ? Variant.NULL_VALUE : new Variant(sample.value());
        v.setValue(new DataValue(value, status, new DateTime(sample.sourceTime()), DateTime.now()));
    }

    NodeId nodeId(String tag) {
        return newNodeId(tag);
    }

    private static NodeId dataType(TagSource.Type type) {
        return switch (type) {
            case BOOLEAN -> Identifiers.Boolean;
            case INT32 -> Identifiers.Int32;
            case DOUBLE -> Identifiers.Double;
            case STRING -> Identifiers.String;
        };
    }

    @Override
    public void onDataItemsCreated(List<DataItem> dataItems) {
        subscriptions.onDataItemsCreated(dataItems);
    }

    @Override
    public void onDataItemsModified(List<DataItem> dataItems) {
        subscriptions.onDataItemsModified(dataItems);
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> dataItems) {
        subscriptions.onDataItemsDeleted(dataItems);
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
        subscriptions.onMonitoringModeChanged(monitoredItems);
    }
}
