package scada.redundancy.runtime.link;

import scada.redundancy.runtime.link.LinkProtocol.Hello;

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

    /** Asks a server to act and decodes the answer's value as {@code type}. */
    public static <T> java.util.concurrent.CompletableFuture<T> act(LinkClient client, java.net.InetSocketAddress server,
            String name, String action, String partner, int timeoutMs, Class<T> type) {
        return act(client, server, name, new LinkProtocol.ActionRequest(action, partner, timeoutMs), type);
    }

    /**
     * Asks a server to act and decodes the answer's value as {@code type}; the server's error fails
     * the future with an {@link ActionRefused}.
     */
    public static <T> java.util.concurrent.CompletableFuture<T> act(LinkClient client, java.net.InetSocketAddress server,
            String name, LinkProtocol.ActionRequest request, Class<T> type) {
        return client.act(server, monitorHello(name), request)
                .thenApply(result -> {
                    if (result.error() != null && !result.error().isEmpty()) {
                        throw new java.util.concurrent.CompletionException(new ActionRefused(result.error()));
                    }
                    try {
                        return LinkProtocol.json().treeToValue(result.value(), type);
                    } catch (java.io.IOException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
    }

    /** Verify from the studio: fetches the partner's configuration and compares it with {@code mine}. */
    public static java.util.concurrent.CompletableFuture<scada.redundancy.runtime.VerifyResult> verifyFromStudio(
            LinkClient client, java.net.InetSocketAddress partner, String name,
            scada.redundancy.model.RedundancyConfiguration mine, scada.redundancy.model.Partner row) {
        return client.fetchConfigView(partner, probeHello(name))
                .thenApply(theirs -> ConfigurationComparison.compareFromStudio(mine, row, theirs));
    }

    /** The server answered the action with an error: it did not do it, and says why. */
    public static final class ActionRefused extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public ActionRefused(String reason) {
            super(reason);
        }
    }

    public static final String TRY_TO_CONNECT = LinkProtocol.ACTION_TRY_TO_CONNECT;
    public static final String VERIFY = LinkProtocol.ACTION_VERIFY;
    public static final String HAND_OVER = LinkProtocol.ACTION_HAND_OVER;
    public static final String DEPLOY = LinkProtocol.ACTION_DEPLOY;
    public static final String DEPLOY_CHECK = LinkProtocol.ACTION_DEPLOY_CHECK;

    private static Hello client(String kind, String name) {
        return new Hello(LinkProtocol.OLDEST_VERSION, LinkProtocol.PRODUCT, kind, name, "", 0, 0, "", 100, "", "", 0, 0,
                LinkProtocol.VERSION);
    }
}
