package scada.redundancy.model.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.Section;

/** The published JSON schema describes the file the code reads and writes. */
public class SchemaTest {

    private static String schema() throws IOException {
        try (InputStream in = ConfigurationFile.class.getResourceAsStream("/schema/redundancy-1.schema.json")) {
            assertNotNull("schema/redundancy-1.schema.json is in the model bundle", in);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The property names of one "properties" block, in order. */
    private static List<String> properties(String block) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\"(\\w+)\": \\{ \"(type|enum)\"").matcher(block);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static List<String> names(Section s) {
        return ConfigField.of(s).stream().map(ConfigField::jsonName).toList();
    }

    @Test
    public void theSchemaListsTheFieldsOfConfigFieldInTheirOrder() throws IOException {
        String schema = schema();
        int partners = schema.indexOf("\"partners\": {");
        assertEquals(names(Section.THIS_SCADA), properties(schema.substring(schema.indexOf("\"thisScada\": {"), partners)));
        assertEquals(names(Section.PARTNERS), properties(schema.substring(partners)));
    }

    @Test
    public void theSchemasLimitsAreTheReadersLimits() throws IOException {
        String schema = schema();
        assertTrue(schema.contains("\"format\": { \"const\": " + ConfigurationFile.FORMAT_VERSION));
        assertTrue(schema.contains("\"maxItems\": " + ConfigurationFile.MAX_PARTNERS + ","));
        Matcher m = Pattern.compile("\"maxLength\": (\\d+)").matcher(schema);
        int count = 0;
        while (m.find()) {
            assertEquals(ConfigurationFile.MAX_TEXT_LENGTH, Integer.parseInt(m.group(1)));
            count++;
        }
        assertEquals("every text field has a maxLength", 7, count);
    }

    @Test
    public void theSchemasDefaultsAreTheModelsDefaults() throws IOException {
        String schema = schema();
        LocalServer d = LocalServer.defaults();
        assertDefault(schema, "symbol", "\"" + d.symbol() + "\"");
        assertDefault(schema, "port", String.valueOf(d.port()));
        assertDefault(schema, "activate", String.valueOf(d.activate()));
        assertDefault(schema, "enableDbSync", String.valueOf(d.enableDbSync()));
        assertDefault(schema, "failback", "\"" + d.failback().jsonName() + "\"");
        assertDefault(schema, "startupAllowanceMs", String.valueOf(d.startupAllowanceMs()));
        assertDefault(schema, "periodMs", String.valueOf(Partner.DEFAULT_PERIOD_MS));
        assertDefault(schema, "timeoutMs", String.valueOf(Partner.DEFAULT_TIMEOUT_MS));
        assertDefault(schema, "retryCount", String.valueOf(Partner.DEFAULT_RETRY_COUNT));
    }

    private static void assertDefault(String schema, String name, String value) {
        Matcher m = Pattern.compile("\"" + name + "\": \\{[^}]*\"default\": ([^,}]+)").matcher(schema);
        assertTrue("default of " + name, m.find());
        assertEquals("default of " + name, value, m.group(1).strip());
    }
}
