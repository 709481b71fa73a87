package scada.redundancy.runtime.internal;

import scada.redundancy.runtime.internal.LinkProtocol.Hello;

/** The HELLOs of clients that are not servers (monitors and probes). */
public final class LinkAccess {
    private LinkAccess() {
    }

    public static Hello monitorHello(String name) {
        return client(LinkProtocol.KIND_MONITOR, name);
    }

    public static Hello probeHello(String name) {
        return client(LinkProtocol.KIND_PROBE, name);
    }

    private static Hello client(String kind, String name) {
        return new Hello(LinkProtocol.VERSION, LinkProtocol.PRODUCT, kind, name, "", 0, 0, "", 100, "", "", 0, 0);
    }
}
