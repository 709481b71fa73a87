package scada.redundancy.model.internal;

import java.io.IOException;
import java.io.OutputStream;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.Section;

/**
 * Writes the configuration file. Stable by construction: every field is always written, in the
 * order of {@link ConfigField}, with a fixed layout (two-space indent, {@code "name": value}, LF,
 * a final newline), so that the same configuration always gives the same bytes.
 */
public final class ConfigurationWriter {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final DefaultIndenter INDENT = new DefaultIndenter("  ", "\n");

    private ConfigurationWriter() {
    }

    public static void write(RedundancyConfiguration configuration, OutputStream out) throws IOException {
        DefaultPrettyPrinter layout = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("").withArrayEmptySeparator(""))
                .withObjectIndenter(INDENT).withArrayIndenter(INDENT);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.setPrettyPrinter(layout);
            g.writeStartObject();
            g.writeNumberField("format", ConfigurationFile.FORMAT_VERSION);
            g.writeFieldName(Section.THIS_SCADA.jsonName());
            g.writeStartObject();
            for (ConfigField field : ConfigField.of(Section.THIS_SCADA)) {
                writeField(g, field, configuration.thisScada());
            }
            g.writeEndObject();
            g.writeFieldName(Section.PARTNERS.jsonName());
            g.writeStartArray();
            for (Partner partner : configuration.partners()) {
                g.writeStartObject();
                for (ConfigField field : ConfigField.of(Section.PARTNERS)) {
                    writeField(g, field, partner);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    private static void writeField(JsonGenerator g, ConfigField field, LocalServer s) throws IOException {
        g.writeFieldName(field.jsonName());
        switch (field) {
        case THIS_SYMBOL -> g.writeString(s.symbol());
        case THIS_PORT -> g.writeNumber(s.port());
        case THIS_ACTIVATE -> g.writeBoolean(s.activate());
        case THIS_ENABLE_DB_SYNC -> g.writeBoolean(s.enableDbSync());
        case THIS_DATABASE -> g.writeString(s.database());
        case THIS_COMMENT -> g.writeString(s.comment());
        case THIS_FAILBACK -> g.writeString(s.failback().jsonName());
        case THIS_STARTUP_ALLOWANCE -> g.writeNumber(s.startupAllowanceMs());
        default -> throw new IllegalStateException("not a This SCADA field: " + field);
        }
    }

    private static void writeField(JsonGenerator g, ConfigField field, Partner p) throws IOException {
        g.writeFieldName(field.jsonName());
        switch (field) {
        case PARTNER_NO -> g.writeNumber(p.no());
        case PARTNER_SYMBOL -> g.writeString(p.symbol());
        case PARTNER_IP_ADDRESS -> g.writeString(p.ipAddress());
        case PARTNER_PORT -> g.writeNumber(p.port());
        case PARTNER_PERIOD -> g.writeNumber(p.periodMs());
        case PARTNER_TIMEOUT -> g.writeNumber(p.timeoutMs());
        case PARTNER_RETRY_COUNT -> g.writeNumber(p.retryCount());
        case PARTNER_ACTIVATE -> g.writeBoolean(p.activate());
        case PARTNER_COMMENT -> g.writeString(p.comment());
        case PARTNER_CERTIFICATE -> g.writeString(p.certificateSha256());
        default -> throw new IllegalStateException("not a Partners field: " + field);
        }
    }
}
