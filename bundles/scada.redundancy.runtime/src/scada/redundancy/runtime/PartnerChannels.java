package scada.redundancy.runtime;

/**
 * Messages of other services (DB sync's replicated rows, the project check, deployments) over
 * the redundancy link to a partner, on named channels.
 * <p>
 * <b>Flow control.</b> Each channel to each partner has a bounded send queue and a receive
 * window granted by the partner as its {@link ChannelListener} consumes: {@link #offer} returns
 * {@code false} at once when the queue is full — it never blocks and never buffers without
 * bound — and {@link ChannelListener#writable} says when to offer again. Heartbeats never wait
 * behind channel traffic: they are written directly, and channel frames are written only while
 * the connection's write buffer is below a low water mark.
 * <p>
 * <b>Delivery.</b> In order per channel and partner, at most once: messages in flight when the
 * link resets are lost, so a service that needs every message (DB sync) acknowledges on its own
 * channel and resends from its own log position after a reconnect.
 */
public interface PartnerChannels {
    /** The largest message: a frame is at most 1 MiB with its header. */
    int MAX_MESSAGE_BYTES = (1 << 20) - 512;

    /**
     * Queues a message for a partner.
     *
     * @param partnerSymbol the partner's Symbol
     * @param channel       the channel's name (1..64 characters), as the receiving listener's {@code duplex.channel} property
     * @return {@code true} if queued; {@code false} if the partner is not connected or the queue is full
     * @throws IllegalArgumentException for an empty or long channel name or a message over {@link #MAX_MESSAGE_BYTES}
     */
    boolean offer(String partnerSymbol, String channel, byte[] message);
}
