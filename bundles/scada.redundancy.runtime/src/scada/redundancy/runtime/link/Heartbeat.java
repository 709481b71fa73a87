package scada.redundancy.runtime.link;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

import scada.redundancy.runtime.Role;

/**
 * The heartbeat, sent every Period on the sender's own connection to each partner. Binary and
 * fixed-size, so that it costs nothing to build and cannot be misread. Format 3 (protocol 3)
 * carries roles by explicit code and whether the sender hears a live primary; format 2 (protocol
 * 2, spoken to older partners) carries the role's ordinal and no sight of a primary.
 *
 * @param role          the sender's role
 * @param term          the sender's term
 * @param sequence      counts up from 1 per connection
 * @param health        the sender's health, 0..100
 * @param primaryForMs  how long the sender has been primary (0 unless primary); shown, not used to decide
 * @param servedTerm    the last term in which the sender was primary (0: never): among backups, who served last ranks first
 * @param sentNanos     the sender's monotonic clock at sending
 * @param echoNanos     the {@code sentNanos} of the last heartbeat the sender received from the receiver (0 if none)
 * @param echoHoldNanos how long the sender held that echo before sending
 * @param seesPrimary   the sender hears a live primary other than itself (the receiver must not claim the role then)
 */
public record Heartbeat(Role role, long term, long sequence, int health, long primaryForMs, long servedTerm, long sentNanos,
        long echoNanos, long echoHoldNanos, boolean seesPrimary) {

    public static final int BYTES_V2 = 1 + 1 + 8 + 8 + 1 + 8 + 8 + 8 + 8 + 8;
    public static final int BYTES_V3 = BYTES_V2 + 1;
    /** Roles by their place in format 2 (the enum's order when protocol 2 was made). */
    private static final Role[] FORMAT_2_ROLES = { Role.PRIMARY, Role.BACKUP, Role.STANDALONE, Role.FAULT };
    /** No term is larger: far beyond any real count of elections, far below an overflow. */
    public static final long MAX_TERM = 1L << 53;

    /** The role's code on the wire in format 3: explicit, never an ordinal that a new role would shift. */
    public static int code(Role role) {
        return switch (role) {
        case PRIMARY -> 1;
        case BACKUP -> 2;
        case STANDALONE -> 3;
        case FAULT -> 4;
        };
    }

    public static Role role(int code) throws ProtocolException {
        return switch (code) {
        case 1 -> Role.PRIMARY;
        case 2 -> Role.BACKUP;
        case 3 -> Role.STANDALONE;
        case 4 -> Role.FAULT;
        default -> throw new ProtocolException("heartbeat with unknown role code " + code);
        };
    }

    /** @param protocol the version the link speaks: 2 or 3 */
    public byte[] encode(int protocol) {
        boolean v3 = protocol >= 3;
        ByteBuffer b = ByteBuffer.allocate(v3 ? BYTES_V3 : BYTES_V2);
        b.put((byte) (v3 ? 3 : 2)).put((byte) (v3 ? code(role) : java.util.Arrays.asList(FORMAT_2_ROLES).indexOf(role))).putLong(term).putLong(sequence)
                .put((byte) health).putLong(primaryForMs).putLong(servedTerm).putLong(sentNanos).putLong(echoNanos)
                .putLong(echoHoldNanos);
        if (v3) {
            b.put((byte) (seesPrimary ? 1 : 0));
        }
        return b.array();
    }

    public static Heartbeat decode(byte[] payload) throws ProtocolException {
        if (payload.length != BYTES_V2 && payload.length != BYTES_V3) {
            throw new ProtocolException("heartbeat of " + payload.length + " bytes, expected " + BYTES_V2 + " or " + BYTES_V3);
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(payload);
            int format = b.get();
            if (format == 2 ? payload.length != BYTES_V2 : format != 3 || payload.length != BYTES_V3) {
                throw new ProtocolException("heartbeat format " + format + " of " + payload.length + " bytes");
            }
            int roleCode = b.get();
            Role role;
            if (format == 2) {
                if (roleCode < 0 || roleCode >= FORMAT_2_ROLES.length) {
                    throw new ProtocolException("heartbeat with unknown role " + roleCode);
                }
                role = FORMAT_2_ROLES[roleCode];
            } else {
                role = role(roleCode);
            }
            long term = b.getLong();
            long sequence = b.getLong();
            int health = b.get();
            if (term < 0 || term > MAX_TERM || health < 0 || health > 100) {
                throw new ProtocolException("heartbeat with term " + term + " and health " + health);
            }
            long primaryForMs = b.getLong();
            long servedTerm = b.getLong();
            if (servedTerm < 0 || servedTerm > term) {
                throw new ProtocolException("heartbeat with served term " + servedTerm + " beyond its term " + term);
            }
            long sent = b.getLong();
            long echo = b.getLong();
            long hold = b.getLong();
            boolean seesPrimary = false;
            if (format == 3) {
                int flags = b.get();
                if ((flags & ~1) != 0) {
                    throw new ProtocolException("heartbeat with unknown flags " + flags);
                }
                seesPrimary = (flags & 1) != 0;
            }
            return new Heartbeat(role, term, sequence, health, primaryForMs, servedTerm, sent, echo, hold, seesPrimary);
        } catch (BufferUnderflowException e) {
            throw new ProtocolException("truncated heartbeat", e);
        }
    }
}
