package scada.redundancy.runtime.internal;

/** One decoded frame: its type and its payload bytes. */
record Frame(FrameType type, byte[] payload) {
    static Frame empty(FrameType type) {
        return new Frame(type, new byte[0]);
    }
}
