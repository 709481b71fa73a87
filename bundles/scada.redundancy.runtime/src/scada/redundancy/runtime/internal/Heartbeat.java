package scada.redundancy.runtime.internal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

import scada.redundancy.runtime.Role;

/**
 * The heartbeat, sent every Period on the sender's own connection to each partner. Binary and
 * fixed-size, so that it costs nothing to build and cannot be misread.
 *
 * @param role          the sender's role
 * @param term          the sender's term
 * @param sequence      counts up from 1 per connection
 * @param health        the sender's health, 0..100
 * @param primaryForMs  how long the sender has been primary (0 unless primary): the tie-break between two primaries of one term
 * @param servedTerm    the last term in which the sender was primary (0: never): among backups, who served last ranks first
 * @param sentNanos     the sender's monotonic clock at sending
 * @param echoNanos     the {@code sentNanos} of the last heartbeat the sender received from the receiver (0 if none)
 * @param echoHoldNanos how long the sender held that echo before sending
 */
record Heartbeat(Role role, long term, long sequence, int health, long primaryForMs, long servedTerm, long sentNanos,
        long echoNanos, long echoHoldNanos) {

    static final int BYTES = 1 + 1 + 8 + 8 + 1 + 8 + 8 + 8 + 8 + 8;
    private static final int FORMAT = 2;

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES);
        b.put((byte) FORMAT).put((byte) role.ordinal()).putLong(term).putLong(sequence).put((byte) health)
                .putLong(primaryForMs).putLong(servedTerm).putLong(sentNanos).putLong(echoNanos).putLong(echoHoldNanos);
        return b.array();
    }

    static Heartbeat decode(byte[] payload) throws ProtocolException {
        if (payload.length != BYTES) {
            throw new ProtocolException("heartbeat of " + payload.length + " bytes, expected " + BYTES);
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(payload);
            int format = b.get();
            if (format != FORMAT) {
                throw new ProtocolException("heartbeat format " + format + ", expected " + FORMAT);
            }
            int roleIndex = b.get();
            if (roleIndex < 0 || roleIndex >= Role.values().length) {
                throw new ProtocolException("heartbeat with unknown role " + roleIndex);
            }
            Role role = Role.values()[roleIndex];
            long term = b.getLong();
            long sequence = b.getLong();
            int health = b.get();
            if (term < 0 || health < 0 || health > 100) {
                throw new ProtocolException("heartbeat with term " + term + " and health " + health);
            }
            long primaryForMs = b.getLong();
            long servedTerm = b.getLong();
            if (servedTerm < 0 || servedTerm > term) {
                throw new ProtocolException("heartbeat with served term " + servedTerm + " beyond its term " + term);
            }
            return new Heartbeat(role, term, sequence, health, primaryForMs, servedTerm, b.getLong(), b.getLong(), b.getLong());
        } catch (BufferUnderflowException e) {
            throw new ProtocolException("truncated heartbeat", e);
        }
    }
}
