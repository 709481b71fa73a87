package scada.redundancy.runtime.link;

/** One decoded frame: its type and its payload bytes. */
public record Frame(FrameType type, byte[] payload) {
    public static Frame empty(FrameType type) {
        return new Frame(type, new byte[0]);
    }
}
