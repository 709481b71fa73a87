package scada.redundancy.opcua.client;

/**
 * Hears what a {@link FailoverClient} does. Every method is called on the client's own thread, one
 * call at a time and in order, and must return quickly (hand work to another thread): while it
 * runs, the client neither receives values nor moves.
 */
public interface FailoverListener {

    /** A value of a subscribed tag from the current server. */
    default void value(TagValue value) {
    }

    /** The subscription was placed on its first server. */
    default void firstServer(String endpointUrl) {
    }

    /** The subscription moved; called once the gap is known (see {@link Switch#gap()}). */
    default void switched(Switch change) {
    }

    /** A server's ServiceLevel changed; -1 when it became unknown (session lost, or the server went silent). */
    default void serviceLevel(String endpointUrl, int level) {
    }

    /**
     * Something went wrong with one server, in plain words with what to do (e.g. its certificate
     * trust list refused this client). {@code endpointUrl} is null for a problem of the whole client.
     */
    default void problem(String endpointUrl, String message) {
    }
}
