package scada.redundancy.runtime;

/**
 * Whiteboard: a service of this type with the property {@value #CHANNEL_PROPERTY} receives the
 * messages partners send on that channel, in order, on a channel thread (never the link's). The
 * partner may send more only as this listener returns: a slow listener slows its sender, never
 * the heartbeat.
 */
public interface ChannelListener {
    String CHANNEL_PROPERTY = "duplex.channel";

    void received(String partnerSymbol, byte[] message);

    /** The send queue to {@code partnerSymbol} on this listener's channel has room again. */
    default void writable(String partnerSymbol) {
    }
}
