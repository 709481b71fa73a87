package scada.redundancy.runtime.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import scada.redundancy.runtime.PartnerRole;
import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;
import scada.redundancy.runtime.RoleChange;
import scada.redundancy.runtime.RoleChangeCause;
import scada.redundancy.runtime.Verification;

/**
 * The status as one JSON object, for scripts ({@code status --json}), monitoring clients and the
 * studio. The field names are documented in the README and stable.
 */
public final class StatusJson {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private StatusJson() {
    }

    public static String toJson(RedundancyStatus s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("symbol", s.symbol());
        o.put("address", s.address());
        o.put("activate", s.activate());
        o.put("role", s.role().jsonName());
        o.put("term", s.term());
        o.put("health", s.health());
        o.put("starting", s.starting());
        o.put("connectedServer", s.connectedServer());
        o.put("connectedClients", s.connectedClients());
        ArrayNode clients = o.putArray("clients");
        s.clients().forEach(clients::add);
        o.put("database", s.database());
        o.put("verified", s.verified().jsonName());
        o.put("fingerprint", s.fingerprint());
        o.put("note", s.note());
        ArrayNode contributors = o.putArray("contributors");
        s.contributors().forEach(contributors::add);
        o.put("loopLateP99Ms", s.loopLateP99Ms());
        o.put("loopLateMaxMs", s.loopLateMaxMs());
        ObjectNode details = o.putObject("details");
        s.details().forEach((source, lines) -> {
            ArrayNode a = details.putArray(source);
            lines.forEach(a::add);
        });
        ArrayNode partners = o.putArray("partners");
        for (PartnerStatus p : s.partners()) {
            ObjectNode n = partners.addObject();
            n.put("no", p.no());
            n.put("symbol", p.symbol());
            n.put("address", p.address());
            n.put("activate", p.activate());
            n.put("connected", p.connected());
            n.put("isPrimary", p.isPrimary());
            n.put("fault", p.fault());
            n.put("faultReason", p.faultReason());
            n.put("role", p.role().jsonName());
            n.put("term", p.term());
            n.put("health", p.health());
            n.put("lastHeartbeatAgeMs", p.lastHeartbeatAgeMs());
            n.put("rttMs", Math.round(p.rttMs() * 1000) / 1000.0);
            n.put("retries", p.retries());
            n.put("nextRetryInMs", p.nextRetryInMs());
            n.put("database", p.database());
            n.put("verified", p.verified().jsonName());
            n.put("fingerprint", p.peerFingerprint());
        }
        ArrayNode changes = o.putArray("roleChanges");
        for (RoleChange c : s.roleChanges()) {
            ObjectNode n = changes.addObject();
            n.put("at", c.atMillis());
            n.put("from", c.from().jsonName());
            n.put("to", c.to().jsonName());
            n.put("term", c.term());
            n.put("cause", c.cause().jsonName());
            n.put("peer", c.peer());
            n.put("lastHeartbeatAt", c.lastHeartbeatAtMillis());
            n.put("detectedAt", c.detectedAtMillis());
            n.put("becamePrimaryAt", c.becamePrimaryAtMillis());
            n.put("failoverMs", c.failoverMs());
            n.put("detail", c.detail());
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads the JSON back (the studio and the command line show it). A field that is missing (an
     * older server's JSON) takes the builders' default.
     */
    public static RedundancyStatus fromJson(String text) throws IOException {
        JsonNode o = JSON.readTree(text);
        List<PartnerStatus> partners = new ArrayList<>();
        for (JsonNode n : o.path("partners")) {
            partners.add(PartnerStatus.builder().no(n.path("no").asInt()).symbol(n.path("symbol").asText())
                    .address(n.path("address").asText()).activate(n.path("activate").asBoolean())
                    .connected(n.path("connected").asBoolean()).isPrimary(n.path("isPrimary").asBoolean())
                    .fault(n.path("fault").asBoolean()).faultReason(n.path("faultReason").asText())
                    .role(PartnerRole.fromJsonName(n.path("role").asText())).term(n.path("term").asLong(-1))
                    .health(n.path("health").asInt(-1)).lastHeartbeatAgeMs(n.path("lastHeartbeatAgeMs").asLong(-1))
                    .rttMs(n.path("rttMs").asDouble(-1)).retries(n.path("retries").asInt())
                    .nextRetryInMs(n.path("nextRetryInMs").asLong(-1))
                    .database(n.path("database").asText(PartnerStatus.NOT_INSTALLED))
                    .verified(Verification.fromJsonName(n.path("verified").asText()))
                    .peerFingerprint(n.path("fingerprint").asText()).build());
        }
        List<RoleChange> changes = new ArrayList<>();
        for (JsonNode n : o.path("roleChanges")) {
            changes.add(new RoleChange(n.path("at").asLong(), role(n.path("from").asText()), role(n.path("to").asText()),
                    n.path("term").asLong(), cause(n.path("cause").asText()), n.path("peer").asText(),
                    n.path("lastHeartbeatAt").asLong(-1), n.path("detectedAt").asLong(-1),
                    n.path("becamePrimaryAt").asLong(-1), n.path("failoverMs").asLong(-1), n.path("detail").asText()));
        }
        List<String> contributors = new ArrayList<>();
        o.path("contributors").forEach(c -> contributors.add(c.asText()));
        List<String> clients = new ArrayList<>(); // absent from an older server's JSON: none named
        for (JsonNode c : o.path("clients")) {
            if (clients.size() == RedundancyStatus.MAX_CLIENTS) {
                break;
            }
            clients.add(c.asText());
        }
        return RedundancyStatus.builder().symbol(o.path("symbol").asText()).address(o.path("address").asText())
                .activate(o.path("activate").asBoolean()).role(role(o.path("role").asText())).term(o.path("term").asLong())
                .health(o.path("health").asInt()).starting(o.path("starting").asBoolean())
                .connectedServer(o.path("connectedServer").asText()).connectedClients(o.path("connectedClients").asInt())
                .database(o.path("database").asText(PartnerStatus.NOT_INSTALLED))
                .verified(Verification.fromJsonName(o.path("verified").asText()))
                .fingerprint(o.path("fingerprint").asText()).partners(partners).roleChanges(changes)
                .note(o.path("note").asText()).contributors(contributors)
                .loopLate(o.path("loopLateP99Ms").asLong(0), o.path("loopLateMaxMs").asLong(0)).details(details(o))
                .clients(clients).build();
    }

    private static Role role(String name) {
        for (Role r : Role.values()) {
            if (r.jsonName().equals(name)) {
                return r;
            }
        }
        return Role.BACKUP;
    }

    private static RoleChangeCause cause(String name) {
        for (RoleChangeCause c : RoleChangeCause.values()) {
            if (c.jsonName().equals(name)) {
                return c;
            }
        }
        return RoleChangeCause.MANUAL;
    }

    private static Map<String, List<String>> details(JsonNode o) {
        Map<String, List<String>> details = new TreeMap<>();
        o.path("details").fields().forEachRemaining(e -> {
            List<String> lines = new ArrayList<>();
            e.getValue().forEach(l -> lines.add(l.asText()));
            details.put(e.getKey(), lines);
        });
        return details;
    }
}
