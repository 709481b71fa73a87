package scada.redundancy.ui.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Test;

import scada.redundancy.runtime.RedundancyStatus;

/** What This SCADA's Connected Client cell says for the sessions a server reports. */
public class ConnectedClientTextTest {
    private static RedundancyStatus status(int count, List<String> names) {
        return RedundancyStatus.builder().symbol("SCADA-A").connectedClients(count).clients(names).build();
    }

    @Test
    public void noSessionSaysNoClient() {
        assertEquals("no client", RuntimeStatusSource.clients(status(0, List.of())));
    }

    @Test
    public void theCountAndEveryNameTheServerSent() {
        assertEquals("1 client: opcua hmi (10.0.0.7)",
                RuntimeStatusSource.clients(status(1, List.of("opcua hmi (10.0.0.7)"))));
        assertEquals("2 clients: opcua hmi (10.0.0.7), monitor 10.0.0.9:51234",
                RuntimeStatusSource.clients(status(2, List.of("opcua hmi (10.0.0.7)", "monitor 10.0.0.9:51234"))));
    }

    @Test
    public void moreSessionsThanNamesEndsWithAnEllipsisAndAnOlderServerGivesTheCountOnly() {
        assertEquals("120 clients: a, b, …", RuntimeStatusSource.clients(status(120, List.of("a", "b"))));
        assertEquals("3 clients", RuntimeStatusSource.clients(status(3, List.of())));
    }
}
