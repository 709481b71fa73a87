package scada.redundancy.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.api.DataItem;
import org.eclipse.milo.opcua.sdk.server.api.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.api.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.model.types.variables.AnalogItemType;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.Identifiers;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.EUInformation;

import scada.redundancy.plant.Quality;
import scada.redundancy.plant.TagValue;
import scada.redundancy.project.DataType;
import scada.redundancy.project.Scaling;
import scada.redundancy.project.Tag;

/**
 * The plant's tags as OPC UA variables: the folder {@code Objects/Tags} in the namespace
 * {@value #URI}, one read-only variable per tag of the project, node id {@code ns=N;s=TAGNAME},
 * with the tag's description, its unit as the standard {@code EngineeringUnits} property, and its
 * value, status code and source timestamp as the plant reports them. The status code is the
 * plant's own (an OPC UA StatusCode, Uncertain and Bad sub-codes included), passed on unchanged;
 * a Bad value is sent without a value, as Part 4 §7.7.1 asks. Called on the OPC UA component's
 * thread only.
 * <p>
 * Data types: a tag without scaling keeps its PLC type (bool Boolean, int16 Int16, uint16 UInt16,
 * int32 Int32, float32 Float); a scaled tag is a Double, as its engineering value is.
 */
final class TagNamespace extends ManagedNamespaceWithLifecycle {
    static final String URI = "urn:duplex:scada:tags";
    static final String FOLDER = "Tags";

    private final SubscriptionModel subscriptions;
    private UaFolderNode folder;
    private final Map<String, Shown> variables = new LinkedHashMap<>();
    /** The monitored items that report each tag's Value (Milo's threads add and remove, ours reports). */
    private final Map<NodeId, Set<DataItem>> valueItems = new ConcurrentHashMap<>();

    private record Shown(Tag tag, UaVariableNode node) {
    }

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

    /**
     * Replaces every variable by one per tag, each Bad_WaitingForInitialData until its first value;
     * an empty list leaves the folder empty (no project on this server).
     */
    void setTags(List<Tag> tags) {
        for (Shown s : variables.values()) {
            s.node().getPropertyNode(AnalogItemType.ENGINEERING_UNITS).ifPresent(p -> getNodeManager().removeNode(p.getNodeId()));
            folder.removeOrganizes(s.node());
            getNodeManager().removeNode(s.node());
        }
        variables.clear();
        for (Tag tag : tags) {
            UaVariableNode v = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
                    .setNodeId(newNodeId(tag.name()))
                    .setBrowseName(newQualifiedName(tag.name()))
                    .setDisplayName(LocalizedText.english(tag.name()))
                    .setDescription(LocalizedText.english(tag.description()))
                    .setDataType(dataType(tag))
                    .setTypeDefinition(Identifiers.BaseDataVariableType)
                    .setAccessLevel(AccessLevel.READ_ONLY)
                    .setUserAccessLevel(AccessLevel.READ_ONLY)
                    .setMinimumSamplingInterval((double) tag.pollMs())
                    .setValue(new DataValue(StatusCodes.Bad_WaitingForInitialData))
                    .build();
            getNodeManager().addNode(v);
            if (!tag.unit().isBlank() && tag.type() != DataType.BOOL) {
                // No standard unit id is known for a free-text unit: -1, with the text as display name (Part 8 §5.6.3).
                v.setProperty(AnalogItemType.ENGINEERING_UNITS, new EUInformation("", -1,
                        LocalizedText.english(tag.unit()), LocalizedText.english(tag.unit())));
            }
            folder.addOrganizes(v);
            variables.put(tag.name(), new Shown(tag, v));
            report(v.getNodeId(), v.getValue()); // items kept from a former project's tag of the same name
        }
        for (NodeId id : valueItems.keySet()) {
            if (variables.values().stream().noneMatch(shown -> shown.node().getNodeId().equals(id))) {
                report(id, new DataValue(StatusCodes.Bad_NodeIdUnknown)); // the project no longer has this tag
            }
        }
    }

    /** The tag's new value; a tag that is not (or no longer) shown is ignored. */
    void update(TagValue value) {
        Shown shown = variables.get(value.tag());
        if (shown == null) {
            return;
        }
        StatusCode status = new StatusCode(value.quality());
        Variant v = Quality.isBad(value.quality()) || Double.isNaN(value.value()) ? Variant.NULL_VALUE
                : new Variant(typed(shown.tag(), value.value()));
        DataValue dv = new DataValue(v, status, new DateTime(value.sourceTime()), DateTime.now());
        shown.node().setValue(dv);
        report(shown.node().getNodeId(), dv);
    }

    NodeId nodeId(String tag) {
        return newNodeId(tag);
    }

    private static boolean scaled(Tag tag) {
        return tag.scaling() != null && !tag.scaling().equals(Scaling.NONE);
    }

    static NodeId dataType(Tag tag) {
        if (scaled(tag) && tag.type() != DataType.BOOL) {
            return Identifiers.Double;
        }
        return switch (tag.type()) {
            case BOOL -> Identifiers.Boolean;
            case INT16 -> Identifiers.Int16;
            case UINT16 -> Identifiers.UInt16;
            case INT32 -> Identifiers.Int32;
            case FLOAT32 -> Identifiers.Float;
        };
    }

    /** The engineering value as the Java type of {@link #dataType}. */
    static Object typed(Tag tag, double value) {
        if (scaled(tag) && tag.type() != DataType.BOOL) {
            return value;
        }
        return switch (tag.type()) {
            case BOOL -> value != 0;
            case INT16 -> (short) Math.round(value);
            case UINT16 -> ushort((int) Math.round(value) & 0xFFFF);
            case INT32 -> (int) Math.round(value);
            case FLOAT32 -> (float) value;
        };
    }

    // ---- monitored items: a tag's value is reported when it changes, not sampled ----
    // Milo's SubscriptionModel samples a variable every sampling interval, which adds up to one
    // interval (the tag's poll period) to every value's way to the client and to a failover's gap.
    // A tag's Value items are therefore fed by update() as each value arrives (exception-based
    // reporting, as a PLC driver reports); any other attribute is sampled by the SubscriptionModel.

    private boolean isTagValue(MonitoredItem item) {
        return item.getReadValueId().getAttributeId().equals(AttributeId.Value.uid())
                && item.getReadValueId().getNodeId().getNamespaceIndex().equals(getNamespaceIndex())
                && !item.getReadValueId().getNodeId().equals(folder == null ? null : folder.getNodeId());
    }

    @Override
    public void onDataItemsCreated(List<DataItem> dataItems) {
        List<DataItem> sampled = new ArrayList<>();
        for (DataItem item : dataItems) {
            if (isTagValue(item)) {
                NodeId id = item.getReadValueId().getNodeId();
                valueItems.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(item);
                item.setValue(currentValue(id)); // the first notification: the value now
            } else {
                sampled.add(item);
            }
        }
        if (!sampled.isEmpty()) {
            subscriptions.onDataItemsCreated(sampled);
        }
    }

    @Override
    public void onDataItemsModified(List<DataItem> dataItems) {
        List<DataItem> sampled = dataItems.stream().filter(i -> !isTagValue(i)).toList();
        if (!sampled.isEmpty()) {
            subscriptions.onDataItemsModified(sampled); // a tag's Value item has no sampling to change
        }
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> dataItems) {
        List<DataItem> sampled = new ArrayList<>();
        for (DataItem item : dataItems) {
            if (isTagValue(item)) {
                Set<DataItem> items = valueItems.get(item.getReadValueId().getNodeId());
                if (items != null) {
                    items.remove(item);
                }
            } else {
                sampled.add(item);
            }
        }
        if (!sampled.isEmpty()) {
            subscriptions.onDataItemsDeleted(sampled);
        }
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
        List<MonitoredItem> sampled = new ArrayList<>();
        for (MonitoredItem item : monitoredItems) {
            if (isTagValue(item)) {
                if (item.isSamplingEnabled() && item instanceof DataItem d) {
                    d.setValue(currentValue(item.getReadValueId().getNodeId())); // reporting again: the value now
                }
            } else {
                sampled.add(item);
            }
        }
        if (!sampled.isEmpty()) {
            subscriptions.onMonitoringModeChanged(sampled);
        }
    }

    /** The variable's value now; Bad_NodeIdUnknown for a tag the project no longer has. */
    private DataValue currentValue(NodeId id) {
        return getNodeManager().getNode(id).filter(n -> n instanceof UaVariableNode).map(n -> ((UaVariableNode) n).getValue())
                .orElse(new DataValue(StatusCodes.Bad_NodeIdUnknown));
    }

    /** Hands a tag's new value to every item that reports it. */
    private void report(NodeId id, DataValue value) {
        Set<DataItem> items = valueItems.get(id);
        if (items != null) {
            for (DataItem item : items) {
                if (item.isSamplingEnabled()) {
                    item.setValue(value);
                }
            }
        }
    }
}
