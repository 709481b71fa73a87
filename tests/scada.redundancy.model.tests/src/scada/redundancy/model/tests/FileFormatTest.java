package scada.redundancy.model.tests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LoadedConfiguration;
import scada.redundancy.model.Partner;
import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.Section;

/** The file a person reads, diffs and reviews: stable bytes, defaults, positions, atomic saves. */
public class FileFormatTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void savingIsStableLfTwoSpacesAndAFinalNewline() {
        byte[] once = ConfigurationFile.toBytes(ValidationRulesTest.valid());
        byte[] twice = ConfigurationFile.toBytes(ValidationRulesTest.valid());
        assertArrayEquals(once, twice);
        String text = new String(once, StandardCharsets.UTF_8);
        assertFalse(text.contains("\r"));
        assertTrue(text.endsWith("}\n"));
        assertFalse(text.endsWith("\n\n"));
        assertTrue(text.startsWith("{\n  \"format\": 1,\n  \"thisScada\": {\n    \"symbol\": \"SCADA-A\",\n"));
    }

    @Test
    public void fieldsAreWrittenInTheOrderOfTheFieldTable() {
        String text = new String(ConfigurationFile.toBytes(ValidationRulesTest.valid()), StandardCharsets.UTF_8);
        for (Section section : Section.values()) {
            int last = -1;
            for (ConfigField f : ConfigField.of(section)) {
                int at = text.indexOf("\"" + f.jsonName() + "\"", section == Section.PARTNERS ? text.indexOf("\"partners\"") : 0);
                assertTrue(f + " after the previous field", at > last);
                last = at;
            }
        }
    }

    @Test
    public void unicodeQuotesAndBackslashesSurvive() throws Exception {
        RedundancyConfiguration c = ValidationRulesTest.valid().withPartner(0, ValidationRulesTest.valid().partners().get(0)
                .withComment("Leitstand \"Nord\" \\ 東京 \u00e9 \ud83c\udfed\ttab"));
        assertEquals(c, ConfigurationFile.parse(ConfigurationFile.toBytes(c), "u").configuration());
    }

    @Test
    public void fieldsLeftOutTakeTheirDefaults() throws Exception {
        RedundancyConfiguration c = ConfigurationFile.parse(("{\"format\":1,\"thisScada\":{\"symbol\":\"A\",\"port\":9000},"
                + "\"partners\":[{\"symbol\":\"B\",\"ipAddress\":\"10.0.0.2\"},{\"symbol\":\"C\",\"ipAddress\":\"10.0.0.3\"}]}")
                .getBytes(StandardCharsets.UTF_8), "d").configuration();
        assertTrue(c.thisScada().activate());
        assertEquals(Failback.MANUAL, c.thisScada().failback());
        assertEquals(3000, c.thisScada().startupAllowanceMs());
        Partner second = c.partners().get(1);
        assertEquals(2, second.no()); // numbered by position
        assertEquals(9000, second.port()); // the local port
        assertEquals(1000, second.periodMs());
        assertEquals(3000, second.timeoutMs());
        assertEquals(3, second.retryCount());
        assertTrue(second.activate());
        RedundancyConfiguration bare = ConfigurationFile.parse("{\"format\":1}".getBytes(StandardCharsets.UTF_8), "b").configuration();
        assertEquals(RedundancyConfiguration.defaults(), bare);
    }

    @Test
    public void problemsAreFoundByLine() throws Exception {
        RedundancyConfiguration c = ValidationRulesTest.valid().withPartner(1,
                ValidationRulesTest.valid().partners().get(1).withTimeoutMs(1500));
        LoadedConfiguration loaded = ConfigurationFile.parse(ConfigurationFile.toBytes(c), "p");
        Problem p = ConfigurationValidator.validate(loaded.configuration()).errors().get(0);
        String[] lines = new String(ConfigurationFile.toBytes(c), StandardCharsets.UTF_8).split("\n");
        int line = loaded.locationOf(p).orElseThrow().line();
        assertTrue(lines[line - 1], lines[line - 1].contains("\"timeoutMs\": 1500"));
        // A field the file left out: the problem points at its row.
        LoadedConfiguration sparse = ConfigurationFile.parse(
                "{\"format\":1,\n\"partners\":[\n{\"symbol\":\"B\"}]}".getBytes(StandardCharsets.UTF_8), "s");
        Problem missing = ConfigurationValidator.validate(sparse.configuration()).at(ConfigField.PARTNER_IP_ADDRESS, 0).get(0);
        assertEquals(3, sparse.locationOf(missing).orElseThrow().line());
    }

    @Test
    public void writingIsAtomicAndLeavesNoTemporaryFile() throws Exception {
        Path dir = temp.newFolder().toPath();
        Path file = dir.resolve(ConfigurationFile.DEFAULT_FILE_NAME);
        ConfigurationFile.write(ValidationRulesTest.valid(), file);
        RedundancyConfiguration changed = ValidationRulesTest.valid().withPartners(List.of());
        ConfigurationFile.write(changed, file);
        assertEquals(changed, ConfigurationFile.read(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    public void aMissingFileIsNamed() {
        Path missing = temp.getRoot().toPath().resolve("nowhere.scadaredundancy");
        try {
            ConfigurationFile.read(missing);
            fail();
        } catch (ConfigurationReadException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith(missing.toString()));
            assertTrue(e.getMessage(), e.getMessage().contains("cannot be read"));
        }
    }
}
