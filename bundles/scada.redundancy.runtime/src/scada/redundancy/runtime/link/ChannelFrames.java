package scada.redundancy.runtime.link;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The binary payloads of CHANNEL and CREDIT frames: {@code [nameLength:u8][name][rest]}. */
public final class ChannelFrames {
    /**
     * The bytes a receiver lets a sender have in flight per channel before it grants more. The
     * receiver grants every quarter window, so a sender always has at least three quarters of a
     * window, which is more than the largest message: it can never wait forever.
     */
    public static final int WINDOW_BYTES = 4 << 20;
    /** The bytes a sender queues per partner (all channels) before {@code offer} says no. */
    public static final long QUEUE_BYTES = 8L << 20;
    public static final int MAX_NAME = 64;

    public record Message(String channel, byte[] body) {
    }

    public record Credit(String channel, int bytes) {
    }

    private ChannelFrames() {
    }

    public static void checkName(String channel) {
        byte[] name = channel == null ? new byte[0] : channel.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length > MAX_NAME) {
            throw new IllegalArgumentException("a channel name has 1 to " + MAX_NAME + " bytes: \"" + channel + "\"");
        }
    }

    public static Frame message(String channel, byte[] body) {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + name.length + body.length);
        b.put((byte) name.length).put(name).put(body);
        return new Frame(FrameType.CHANNEL, b.array());
    }

    public static Frame credit(String channel, int bytes) {
        byte[] name = channel.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + name.length + 4);
        b.put((byte) name.length).put(name).putInt(bytes);
        return new Frame(FrameType.CREDIT, b.array());
    }

    public static Message decodeMessage(byte[] payload) throws ProtocolException {
        ByteBuffer b = ByteBuffer.wrap(payload);
        String name = name(b);
        byte[] body = new byte[b.remaining()];
        b.get(body);
        return new Message(name, body);
    }

    public static Credit decodeCredit(byte[] payload) throws ProtocolException {
        ByteBuffer b = ByteBuffer.wrap(payload);
        String name = name(b);
        try {
            int bytes = b.getInt();
            if (bytes <= 0 || b.hasRemaining()) {
                throw new ProtocolException("CREDIT of " + bytes + " bytes");
            }
            return new Credit(name, bytes);
        } catch (BufferUnderflowException e) {
            throw new ProtocolException("truncated CREDIT frame", e);
        }
    }

    private static String name(ByteBuffer b) throws ProtocolException {
        try {
            int length = b.get() & 0xFF;
            if (length == 0 || length > MAX_NAME || length > b.remaining()) {
                throw new ProtocolException("channel name of " + length + " bytes");
            }
            byte[] name = new byte[length];
            b.get(name);
            return new String(name, StandardCharsets.UTF_8);
        } catch (BufferUnderflowException e) {
            throw new ProtocolException("truncated channel frame", e);
        }
    }
}
