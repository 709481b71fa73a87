package scada.redundancy.ops.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import scada.redundancy.runtime.PartnerStatus;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.Role;

/**
 * What {@code GET /health} answers: 200 when this server serves the plant (primary or standalone),
 * 503 in every other state, with a small JSON body, e.g.
 * <pre>
 * {"symbol":"SCADA-A","state":"serving","role":"primary","term":7,"primary":"SCADA-A",
 *  "since":"2026-11-29T18:40:03.120Z","partners":[{"symbol":"SCADA-B","role":"backup","connected":true}]}
 * </pre>
 * {@code state} says why: {@code serving}, {@code backup}, {@code fault}, {@code starting} (within
 * the startup allowance), {@code stopping} (a graceful stop is under way), or {@code absent} (no
 * redundancy service: not configured, or it could not start). {@code primary} is the Symbol of the
 * server this one knows as primary (itself, or a connected partner), empty when none; {@code since}
 * is when this server took its current role (empty when unknown).
 *
 * @param code the HTTP status code
 * @param json the body
 */
record HealthAnswer(int code, byte[] json) {
    static final int SERVING = 200;
    static final int NOT_SERVING = 503;
    private static final JsonFactory JSON = new JsonFactory();

    /** The answer while no redundancy service runs. */
    static HealthAnswer absent() {
        return write(NOT_SERVING, "absent", null, null);
    }

    /**
     * The answer for the latest status heard.
     *
     * @param status   the latest status, or null before the first
     * @param since    when this server took its current role, or null
     * @param stopping a graceful stop is under way
     */
    static HealthAnswer of(RedundancyStatus status, Instant since, boolean stopping) {
        if (status == null) {
            return write(NOT_SERVING, "starting", null, null);
        }
        String state;
        if (stopping) {
            state = "stopping";
        } else if (status.starting()) {
            state = "starting";
        } else if (status.role().servesPlant()) {
            state = "serving";
        } else {
            state = status.role().jsonName();
        }
        return write("serving".equals(state) ? SERVING : NOT_SERVING, state, status, since);
    }

    private static HealthAnswer write(int code, String state, RedundancyStatus status, Instant since) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("symbol", status == null ? "" : status.symbol());
            g.writeStringField("state", state);
            if (status != null) {
                g.writeStringField("role", status.role().jsonName());
                g.writeNumberField("term", status.term());
                g.writeStringField("primary", primary(status));
                g.writeStringField("since", since == null ? "" : since.toString());
                g.writeArrayFieldStart("partners");
                for (PartnerStatus p : status.partners()) {
                    g.writeStartObject();
                    g.writeStringField("symbol", p.symbol());
                    g.writeStringField("role", p.role().jsonName());
                    g.writeBooleanField("connected", p.connected());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        bytes.write('\n');
        return new HealthAnswer(code, bytes.toByteArray());
    }

    /** The server this one knows as primary: itself, or a connected partner that says it is; empty when none. */
    private static String primary(RedundancyStatus status) {
        if (status.role() == Role.PRIMARY || status.role() == Role.STANDALONE) {
            return status.symbol();
        }
        return status.partners().stream().filter(p -> p.connected() && p.isPrimary()).map(PartnerStatus::symbol)
                .findFirst().orElse("");
    }
}
