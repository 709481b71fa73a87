package scada.redundancy.runtime.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.RecordComponent;
import java.util.List;

import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import scada.redundancy.runtime.PartnerRole;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleChangeCause;
import scada.redundancy.runtime.Verification;

/**
 * The status JSON of {@code status --json}, the studio and monitoring clients: every field survives
 * toJson/fromJson, the documented names and values stay as the README shows them, and an older
 * server's JSON (without the newer fields) still reads.
 */
public class StatusJsonTest {

    /** Every field different from the builders' defaults, so that a field StatusJson forgets cannot round-trip. */
    private static PartnerStatus partner(int no, PartnerRole role, Verification verified) {
        return PartnerStatus.builder().no(no).symbol("SCADA-" + no).address("127.0.5." + no + ":8000").activate(true)
                .connected(true).isPrimary(true).fault(true).faultReason("retries exhausted").role(role).term(7)
                .health(42).lastHeartbeatAgeMs(212).rttMs(0.412).retries(3).nextRetryInMs(1500)
                .database("in sync, 2 s behind").verified(verified).peerFingerprint("b77a" + no).build();
    }

    private static RedundancyStatus sample() {
        RoleChange change = new RoleChange(1795579716452L, Role.BACKUP, Role.PRIMARY, 2, RoleChangeCause.CONNECTION_REFUSED,
                "SCADA-1", 1795579716042L, 1795579716449L, 1795579716452L, 5, "the primary refused the connection");
        return RedundancyStatus.builder().symbol("SCADA-B").address("127.0.5.2:8000").activate(true).role(Role.FAULT)
                .term(9).health(30).starting(true).connectedServer("1/2").connectedClients(4).database("in sync")
                .verified(Verification.NOT_VERIFIED).fingerprint("10cc").note("db-sync: replication lag 2 s")
                .partners(List.of(partner(1, PartnerRole.OFFLINE, Verification.VERIFIED),
                        partner(2, PartnerRole.NOT_HEARD, Verification.NOT_CHECKED)))
                .roleChanges(List.of(change)).contributors(List.of("db-sync", "licence")).loopLate(12, 345)
                .details(java.util.Map.of("db-sync", List.of("gap: origin SCADA-A-1f2e3d4c.1 seq 10-19 (10 rows): purged")))
                .clients(List.of("monitor 127.0.5.9:51234", "opcua hmi-1 (127.0.5.7)")).build();
    }

    @Test
    public void theSampleSetsEveryFieldSoTheRoundTripCoversIt() throws Exception {
        // A field added later must be set here too, or this test names it.
        assertNoDefault(sample(), RedundancyStatus.builder().build());
        assertNoDefault(sample().partners().get(0), PartnerStatus.builder().build());
    }

    private static void assertNoDefault(Record sample, Record defaults) throws Exception {
        for (RecordComponent c : sample.getClass().getRecordComponents()) {
            assertNotEquals(c.getName() + " is left at its default in the sample", c.getAccessor().invoke(defaults),
                    c.getAccessor().invoke(sample));
        }
    }

    @Test
    public void everyFieldSurvivesTheRoundTrip() throws Exception {
        RedundancyStatus s = sample();
        assertEquals(s, StatusJson.fromJson(StatusJson.toJson(s)));
    }

    @Test
    public void everyRoleAndVerificationSurvivesTheRoundTrip() throws Exception {
        for (PartnerRole role : PartnerRole.values()) {
            for (Verification v : Verification.values()) {
                RedundancyStatus s = sample().toBuilder().verified(v).partners(List.of(partner(1, role, v))).build();
                assertEquals(role + " " + v, s, StatusJson.fromJson(StatusJson.toJson(s)));
            }
        }
    }

    @Test
    public void theDocumentedNamesAndValuesStay() throws Exception {
        JsonNode o = new ObjectMapper().readTree(StatusJson.toJson(sample()));
        assertEquals("fault", o.path("role").asText());
        assertEquals("not verified", o.path("verified").asText());
        assertEquals("in sync", o.path("database").asText());
        assertEquals("[\"db-sync\",\"licence\"]", o.path("contributors").toString());
        assertEquals("[\"monitor 127.0.5.9:51234\",\"opcua hmi-1 (127.0.5.7)\"]", o.path("clients").toString());
        assertEquals("gap: origin SCADA-A-1f2e3d4c.1 seq 10-19 (10 rows): purged",
                o.path("details").path("db-sync").path(0).asText());
        JsonNode offline = o.path("partners").path(0);
        assertEquals("offline", offline.path("role").asText());
        assertEquals("verified", offline.path("verified").asText());
        assertEquals("b77a1", offline.path("fingerprint").asText());
        JsonNode neverHeard = o.path("partners").path(1);
        assertEquals("", neverHeard.path("role").asText());
        assertEquals("not checked", neverHeard.path("verified").asText());
        for (Role r : Role.values()) {
            assertEquals(r.jsonName(), PartnerRole.heard(r).jsonName());
        }
    }

    @Test
    public void aPeersHugeClientListIsBounded() throws Exception {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            names.append(i == 0 ? "" : ",").append("\"opcua hmi-").append(i).append('"');
        }
        RedundancyStatus s = StatusJson.fromJson("{ \"connectedClients\": 5000, \"clients\": [" + names + "] }");
        assertEquals(RedundancyStatus.MAX_CLIENTS, s.clients().size());
        assertEquals("the count is the peer's", 5000, s.connectedClients());
    }

    @Test
    public void anOlderServersJsonReadsWithTheDefaults() throws Exception {
        // As a server before status contributions wrote it (README's example before this change).
        RedundancyStatus s = StatusJson.fromJson("""
                { "symbol": "SCADA-B", "address": "127.0.0.2:8000", "activate": true,
                  "role": "primary", "term": 2, "health": 100, "starting": false,
                  "connectedServer": "1/1", "connectedClients": 1, "database": "n/a",
                  "verified": "not checked", "fingerprint": "10cc...", "note": "",
                  "partners": [ { "no": 1, "symbol": "SCADA-A", "address": "127.0.0.1:8000", "activate": true,
                      "connected": true, "isPrimary": false, "fault": false, "faultReason": "",
                      "role": "backup", "term": 2, "health": 100, "lastHeartbeatAgeMs": 212, "rttMs": 0.41,
                      "retries": 0, "nextRetryInMs": -1, "verified": "verified", "fingerprint": "b77a..." } ],
                  "roleChanges": [] }
                """);
        assertEquals("n/a", s.database());
        assertEquals(List.of(), s.contributors());
        assertEquals(java.util.Map.of(), s.details());
        assertEquals("no clients field: none named", List.of(), s.clients());
        assertEquals(1, s.connectedClients());
        assertEquals(Verification.NOT_CHECKED, s.verified());
        PartnerStatus p = s.partners().get(0);
        assertEquals(PartnerRole.BACKUP, p.role());
        assertEquals(Role.BACKUP, p.role().reported().orElseThrow());
        assertEquals(Verification.VERIFIED, p.verified());
        assertEquals("a partner without a database field", PartnerStatus.NOT_INSTALLED, p.database());
    }

    @Test
    public void aNewerServersUnknownValuesReadAsNotKnown() throws Exception {
        RedundancyStatus s = StatusJson.fromJson("""
                { "symbol": "SCADA-B", "role": "primary", "verified": "partly verified",
                  "partners": [ { "symbol": "SCADA-A", "role": "observer", "verified": "?" } ] }
                """);
        assertEquals(Verification.NOT_CHECKED, s.verified());
        assertEquals(PartnerRole.NOT_HEARD, s.partners().get(0).role());
        assertEquals(Verification.NOT_CHECKED, s.partners().get(0).verified());
        assertTrue(s.partners().get(0).role().reported().isEmpty());
    }
}
