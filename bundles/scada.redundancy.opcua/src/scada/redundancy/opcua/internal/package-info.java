/**
 * The OPC UA server of a runtime server (Eclipse Milo 0.6), internal: nothing here is API.
 * <ul>
 * <li>{@link scada.redundancy.opcua.internal.OpcUaComponent}: the server, its security, the
 * FindServers answer that lists the partners, and the one thread that writes the address space.</li>
 * <li>{@link scada.redundancy.opcua.internal.ServerObject}: the standard redundancy nodes
 * (NonTransparentRedundancyType: RedundancySupport, ServerUriArray; ServiceLevel; maintenance).</li>
 * <li>{@link scada.redundancy.opcua.internal.ServiceLevel}: the one ServiceLevel rule of the set,
 * fed by {@link scada.redundancy.opcua.internal.PlantFreshness}.</li>
 * <li>{@link scada.redundancy.opcua.internal.TagNamespace}: the project's tags as variables, from
 * the plant's {@code scada.redundancy.plant.TagValues} service.</li>
 * <li>{@link scada.redundancy.opcua.internal.OpcUaClients}: the sessions in the server's status
 * (the status contribution "opcua").</li>
 * </ul>
 */
package scada.redundancy.opcua.internal;
