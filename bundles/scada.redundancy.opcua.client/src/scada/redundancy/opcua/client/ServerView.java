package scada.redundancy.opcua.client;

/**
 * What the client knows of one server of the redundant set.
 *
 * @param endpointUrl    the URL the client connects to
 * @param applicationUri the server's application URI, empty until known
 * @param connected      a session is open and the server answers
 * @param serviceLevel   its newest ServiceLevel 0..255, or -1 when unknown (not connected, or silent)
 * @param current        the client's subscription is on this server
 */
public record ServerView(String endpointUrl, String applicationUri, boolean connected, int serviceLevel, boolean current) {
}
