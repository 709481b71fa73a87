package scada.redundancy.model.tests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LoadedConfiguration;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.Section;
import scada.redundancy.model.SourceLocation;

/** The layout of the saved file and what a hand-written file may leave out. */
public class FileFormatTest {

    private static final String VALID_FILE = """
            {
              "format": 1,
              "thisScada": {
                "symbol": "SCADA-A",
                "port": 8000,
                "activate": true,
                "enableDbSync": false,
                "database": "",
                "comment": "",
                "failback": "manual",
                "startupAllowanceMs": 3000
              },
              "partners": [
                {
                  "no": 1,
                  "symbol": "SCADA-B",
                  "ipAddress": "192.168.1.11",
                  "port": 8000,
                  "periodMs": 1000,
                  "timeoutMs": 3000,
                  "retryCount": 3,
                  "activate": true,
                  "comment": "",
                  "certificateSha256": ""
                }
              ]
            }
            """;

    private static String text(RedundancyConfiguration c) {
        return new String(ConfigurationFile.toBytes(c), StandardCharsets.UTF_8);
    }

    private static RedundancyConfiguration parse(String text) throws Exception {
        return ConfigurationFile.parse(text.getBytes(StandardCharsets.UTF_8), "test").configuration();
    }

    @Test
    public void aConfigurationIsSavedInExactlyThisLayout() {
        assertEquals(VALID_FILE, text(Configs.valid()));
    }

    @Test
    public void anEmptyPartnerListIsSavedAsEmptyBrackets() {
        assertTrue(text(RedundancyConfiguration.defaults()).endsWith("  \"partners\": []\n}\n"));
    }

    @Test
    public void savingIsStable() {
        RedundancyConfiguration a = MalformedFileTest.sample();
        RedundancyConfiguration b = new RedundancyConfiguration(a.thisScada(), new ArrayList<>(a.partners()));
        assertArrayEquals(ConfigurationFile.toBytes(a), ConfigurationFile.toBytes(a));
        assertArrayEquals(ConfigurationFile.toBytes(a), ConfigurationFile.toBytes(b));
    }

    @Test
    public void theFileEndsWithOneNewlineAndUsesLfOnly() {
        String text = text(MalformedFileTest.sample());
        assertTrue(text.endsWith("}\n"));
        assertFalse(text.endsWith("\n\n"));
        assertFalse(text.contains("\r"));
        assertFalse(text.contains("\t"));
    }

    @Test
    public void theFileIsIndentedByTwoSpacesPerLevel() {
        int depth = 0;
        for (String line : text(MalformedFileTest.sample()).split("\n")) {
            String content = line.strip();
            if (content.startsWith("}") || content.startsWith("]")) {
                depth--;
            }
            assertEquals("indent of: " + line, " ".repeat(2 * depth) + content, line);
            if (content.endsWith("{") || content.endsWith("[")) {
                depth++;
            }
        }
        assertEquals(0, depth);
    }

    @Test
    public void fieldsAreSavedInTheOrderOfConfigField() {
        String text = text(MalformedFileTest.sample());
        String thisScada = text.substring(text.indexOf("\"thisScada\""), text.indexOf("\"partners\""));
        assertEquals(names(ConfigField.of(Section.THIS_SCADA)), keys(thisScada));
        String partners = text.substring(text.indexOf("\"partners\""));
        List<String> expected = new ArrayList<>(names(ConfigField.of(Section.PARTNERS)));
        expected.addAll(names(ConfigField.of(Section.PARTNERS)));
        assertEquals(expected, keys(partners.substring(partners.indexOf('['))));
        assertTrue(text.startsWith("{\n  \"format\": 1,\n  \"thisScada\": {"));
    }

    private static List<String> names(List<ConfigField> fields) {
        return fields.stream().map(ConfigField::jsonName).toList();
    }

    private static List<String> keys(String json) {
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^ *\"([A-Za-z0-9]+)\": ").matcher(json);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys.subList(json.startsWith("\"") ? 1 : 0, keys.size());
    }

    @Test
    public void unicodeIsSavedAsReadableUtf8AndSurvives() throws Exception {
        RedundancyConfiguration c = Configs.valid()
                .withThisScada(Configs.valid().thisScada().withSymbol("Leitstelle Süd").withComment("制御 ✓ 🚀"))
                .withPartner(0, Configs.partner().withSymbol("Ørsted-Β").withComment("\"quoted\" \\ back\\slash"));
        String text = text(c);
        assertTrue(text, text.contains("\"Leitstelle Süd\""));
        // characters beyond the BMP (emoji) are written as a JSON surrogate-pair escape: still read back exactly
        assertTrue(text, text.contains("\"制御 ✓ "));
        assertTrue(text, text.contains("\"\\\"quoted\\\" \\\\ back\\\\slash\""));
        assertEquals(c, parse(text));
    }

    @Test
    public void controlCharactersAreEscapedSoEveryValueStaysOnItsLine() throws Exception {
        RedundancyConfiguration c = Configs.valid()
                .withThisScada(Configs.valid().thisScada().withComment("line 1\nline 2\r\tend\u0000"));
        String text = text(c);
        assertEquals(VALID_FILE.split("\n").length, text.split("\n").length);
        assertEquals(c, parse(text));
    }

    @Test
    public void aFileWithOnlyTheFormatIsTheDefaultConfigurationWithoutPartners() throws Exception {
        assertEquals(RedundancyConfiguration.defaults(), parse("{\"format\": 1}"));
    }

    @Test
    public void fieldsLeftOutOfAHandWrittenFileTakeTheirDefaults() throws Exception {
        RedundancyConfiguration c = parse("""
                {"format": 1,
                 "thisScada": {"symbol": "A", "port": 9000},
                 "partners": [{"symbol": "B", "ipAddress": "10.0.0.2"}, {"no": 7}, {}]}
                """);
        assertEquals(LocalServer.defaults().withSymbol("A").withPort(9000), c.thisScada());
        assertEquals(Partner.defaults(1, "B", "10.0.0.2", 9000), c.partners().get(0));
        assertEquals(Partner.defaults(7, "", "", 9000), c.partners().get(1));
    }

    @Test
    public void aPartnerWithoutNoIsNumberedByItsPosition() throws Exception {
        RedundancyConfiguration c = parse("{\"format\": 1, \"partners\": [{\"no\": 5}, {}, {}]}");
        assertEquals(List.of(5, 2, 3), c.partners().stream().map(Partner::no).toList());
    }

    @Test
    public void aPartnerWithoutPortTakesTheLocalPortWhereverThisScadaStands() throws Exception {
        RedundancyConfiguration c = parse(
                "{\"partners\": [{}, {\"port\": 1234}], \"thisScada\": {\"port\": 4711}, \"format\": 1}");
        assertEquals(4711, c.partners().get(0).port());
        assertEquals(1234, c.partners().get(1).port());
    }

    @Test
    public void readWithLocationsGivesTheLineAndColumnOfEachField() throws Exception {
        LoadedConfiguration loaded = ConfigurationFile.parse(VALID_FILE.getBytes(StandardCharsets.UTF_8), "test");
        assertEquals(new SourceLocation(5, 13), loaded.locations().get("thisScada.port"));
        assertEquals(new SourceLocation(3, 16), loaded.locations().get("thisScada"));
        assertEquals(new SourceLocation(14, 5), loaded.locations().get("partners[0]"));
        assertEquals(new SourceLocation(20, 20), loaded.locations().get("partners[0].timeoutMs"));
        assertEquals(Configs.valid(), loaded.configuration());
    }

    @Test
    public void aValidationProblemIsFoundOnItsLine() throws Exception {
        String text = VALID_FILE.replace("\"timeoutMs\": 3000", "\"timeoutMs\": 1500");
        LoadedConfiguration loaded = ConfigurationFile.parse(text.getBytes(StandardCharsets.UTF_8), "test");
        Problem p = Configs.error(loaded.configuration(), ConfigField.PARTNER_TIMEOUT, 0);
        assertEquals(new SourceLocation(20, 20), loaded.locationOf(p).get());
    }

    @Test
    public void aProblemOfALeftOutFieldIsFoundAtItsRow() throws Exception {
        String text = "{\"format\": 1,\n \"partners\": [\n  {\"no\": 1, \"symbol\": \"B\", \"ipAddress\": \"10.0.0.2\"},\n"
                + "  {\"no\": 2, \"symbol\": \"C\"}\n]}";
        LoadedConfiguration loaded = ConfigurationFile.parse(text.getBytes(StandardCharsets.UTF_8), "test");
        Problem p = Configs.error(loaded.configuration(), ConfigField.PARTNER_IP_ADDRESS, 1);
        assertEquals(new SourceLocation(4, 3), loaded.locationOf(p).get());
        Problem activate = ConfigurationValidator.validate(parse("{\"format\": 1}")).warnings().get(0);
        assertFalse("no location in a file without thisScada",
                ConfigurationFile.parse("{\"format\": 1}".getBytes(StandardCharsets.UTF_8), "t").locationOf(activate)
                        .isPresent());
    }

    @Test
    public void failbackIsSavedByItsFileName() throws Exception {
        RedundancyConfiguration c = Configs.valid()
                .withThisScada(Configs.valid().thisScada().withFailback(Failback.AUTOMATIC));
        assertTrue(text(c).contains("\"failback\": \"automatic\""));
        assertEquals(Failback.AUTOMATIC, parse(text(c)).thisScada().failback());
    }
}
