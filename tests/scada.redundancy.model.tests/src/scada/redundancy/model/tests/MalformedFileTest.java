package scada.redundancy.model.tests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.Test;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.Section;

/**
 * Reading is all or nothing: every malformed input gives a {@link ConfigurationReadException} (never a
 * configuration, never another exception) that names the line, column and field.
 */
public class MalformedFileTest {
    private static final String SOURCE = "redundancy.scadaredundancy";

    /** Reads text that must be refused and returns the exception. */
    static ConfigurationReadException refused(String text) {
        return refused(text.getBytes(StandardCharsets.UTF_8));
    }

    static ConfigurationReadException refused(byte[] bytes) {
        try {
            RedundancyConfiguration c = ConfigurationFile.parse(bytes, SOURCE).configuration();
            fail("read a configuration from a malformed file: " + c + "\nfile:\n"
                    + new String(bytes, 0, Math.min(bytes.length, 2000), StandardCharsets.UTF_8));
            return null;
        } catch (ConfigurationReadException e) {
            assertEquals(SOURCE, e.source());
            assertTrue("reason of " + e.getMessage(), e.reason() != null && !e.reason().isBlank());
            assertTrue("message names the source: " + e.getMessage(), e.getMessage().startsWith(SOURCE + ":"));
            return e;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("expected ConfigurationReadException, got " + e, e);
        }
    }

    private static void assertAt(ConfigurationReadException e, int line, int column, String fieldPath) {
        assertEquals("line of " + e.getMessage(), line, e.line());
        assertEquals("column of " + e.getMessage(), column, e.column());
        assertEquals("fieldPath of " + e.getMessage(), fieldPath, e.fieldPath());
        String prefix = SOURCE + ":" + line + ":" + column + ": " + (fieldPath == null ? "" : fieldPath + ": ");
        assertTrue("message \"" + e.getMessage() + "\" should start with \"" + prefix + "\"",
                e.getMessage().startsWith(prefix));
    }

    private static void assertReason(ConfigurationReadException e, String... parts) {
        for (String part : parts) {
            assertTrue("\"" + e.reason() + "\" should mention \"" + part + "\"", e.reason().contains(part));
        }
    }

    /** A file with one field of This SCADA set to a raw JSON value, on line 4 column 13. */
    private static String thisScada(String name, String rawValue) {
        return "{\n  \"format\": 1,\n  \"thisScada\": {\n    \"" + name + "\": " + rawValue + "\n  }\n}\n";
    }

    /** A file with one field of the second partner set to a raw JSON value, on line 6. */
    private static String partner(String name, String rawValue) {
        return "{\n  \"format\": 1,\n  \"partners\": [\n    {},\n    {\n      \"" + name + "\": " + rawValue
                + "\n    }\n  ]\n}\n";
    }

    private static int valueColumnOfThisScada(String name) {
        return 5 + name.length() + 2 + 2; // 4 spaces, quoted name, ": "
    }

    private static int valueColumnOfPartner(String name) {
        return 7 + name.length() + 2 + 2;
    }

    static RedundancyConfiguration sample() {
        return new RedundancyConfiguration(
                new LocalServer("Leitstelle Süd", 8000, true, true, "jdbc:h2:./history", "Hauptserver ✓",
                        Failback.AUTOMATIC, 2500),
                List.of(Partner.defaults(1, "SCADA-B", "192.168.1.11", 8000),
                        new Partner(2, "SCADA-€", "fd00::12", 8000, 100, 300, 5, false, "lab \"ü\" 🚀", "")));
    }

    // --- empty and not an object -------------------------------------------------------------

    @Test
    public void anEmptyFileIsRefused() {
        ConfigurationReadException e = refused("");
        assertAt(e, 1, 1, null);
        assertReason(e, "empty");
    }

    @Test
    public void aFileOfWhitespaceOnlyIsRefused() {
        assertAt(refused(" \n\t\r\n  "), 1, 1, null);
    }

    @Test
    public void aFileThatIsNotAnObjectIsRefused() {
        assertReason(refused("[]"), "object", "a list");
        assertReason(refused("42"), "object", "42");
        assertReason(refused("\"x\""), "object", "\"x\"");
        assertReason(refused("null"), "object", "null");
        assertAt(refused("\n\n  [1, 2]"), 3, 3, null);
    }

    // --- truncation ---------------------------------------------------------------------------

    @Test
    public void aFileCutAtAnyPointBeforeItsLastBraceIsRefused() {
        byte[] bytes = ConfigurationFile.toBytes(sample());
        int lastBrace = bytes.length - 2; // the file ends with "}\n"
        assertEquals('}', (char) bytes[lastBrace]);
        for (int length = 0; length <= lastBrace; length++) {
            byte[] cut = java.util.Arrays.copyOf(bytes, length);
            try {
                ConfigurationFile.parse(cut, SOURCE);
                fail("read a file cut at " + length + " of " + bytes.length + " bytes");
            } catch (ConfigurationReadException e) {
                assertTrue("cut at " + length + ": line of " + e.getMessage(), e.line() >= 1);
                assertTrue("cut at " + length + ": column of " + e.getMessage(), e.column() >= 1);
            } catch (RuntimeException | Error e) {
                throw new AssertionError("cut at " + length + ": expected ConfigurationReadException, got " + e, e);
            }
        }
    }

    @Test
    public void aFileCutOnlyInItsFinalNewlineIsStillComplete() throws Exception {
        // the last cut of all (length n-1) removes nothing but insignificant whitespace
        byte[] bytes = ConfigurationFile.toBytes(sample());
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertEquals(sample(), ConfigurationFile.parse(cut, SOURCE).configuration());
    }

    @Test
    public void aTruncatedFileSaysTheFileEndsTooEarly() {
        ConfigurationReadException e = refused("{\n  \"format\": 1,\n  \"thisScada\": {\n    \"port\": 8000");
        assertReason(e, "not valid JSON", "ends too early");
        assertEquals(4, e.line());
    }

    // --- wrong types --------------------------------------------------------------------------

    @Test
    public void aTextWhereANumberBelongsIsRefusedWithItsFieldAndPlace() {
        ConfigurationReadException e = refused(thisScada("port", "\"8000\""));
        assertAt(e, 4, valueColumnOfThisScada("port"), "thisScada.port");
        assertReason(e, "whole number", "\"8000\"");
    }

    @Test
    public void everyNumberFieldRefusesTextBooleanNullFloatObjectAndList() {
        for (ConfigField f : List.of(ConfigField.THIS_PORT, ConfigField.THIS_STARTUP_ALLOWANCE)) {
            for (String raw : List.of("\"1\"", "true", "null", "8000.5", "{}", "[]", "1e3")) {
                ConfigurationReadException e = refused(thisScada(f.jsonName(), raw));
                assertAt(e, 4, valueColumnOfThisScada(f.jsonName()), "thisScada." + f.jsonName());
                assertReason(e, "whole number");
            }
        }
        for (ConfigField f : List.of(ConfigField.PARTNER_NO, ConfigField.PARTNER_PORT, ConfigField.PARTNER_PERIOD,
                ConfigField.PARTNER_TIMEOUT, ConfigField.PARTNER_RETRY_COUNT)) {
            for (String raw : List.of("\"1\"", "false", "null", "8000.5", "{}", "[1]")) {
                ConfigurationReadException e = refused(partner(f.jsonName(), raw));
                assertAt(e, 6, valueColumnOfPartner(f.jsonName()), "partners[1]." + f.jsonName());
                assertReason(e, "whole number");
            }
        }
    }

    @Test
    public void aFloatPortIsRefusedNamingTheValue() {
        assertReason(refused(partner("port", "8000.5")), "8000.5");
    }

    @Test
    public void everyBooleanFieldRefusesNumbersTextAndNull() {
        for (String raw : List.of("1", "0", "\"true\"", "null", "{}")) {
            assertAt(refused(thisScada("activate", raw)), 4, valueColumnOfThisScada("activate"), "thisScada.activate");
            assertAt(refused(thisScada("enableDbSync", raw)), 4, valueColumnOfThisScada("enableDbSync"),
                    "thisScada.enableDbSync");
            ConfigurationReadException e = refused(partner("activate", raw));
            assertAt(e, 6, valueColumnOfPartner("activate"), "partners[1].activate");
            assertReason(e, "true or false");
        }
    }

    @Test
    public void everyTextFieldRefusesNumbersBooleansNullObjectsAndLists() {
        for (String raw : List.of("1", "true", "null", "{\"a\": 1}", "[\"x\"]")) {
            for (ConfigField f : ConfigField.of(Section.THIS_SCADA)) {
                if (List.of("symbol", "database", "comment", "failback").contains(f.jsonName())) {
                    assertAt(refused(thisScada(f.jsonName(), raw)), 4, valueColumnOfThisScada(f.jsonName()),
                            "thisScada." + f.jsonName());
                }
            }
            for (String name : List.of("symbol", "ipAddress", "comment", "certificateSha256")) {
                ConfigurationReadException e = refused(partner(name, raw));
                assertAt(e, 6, valueColumnOfPartner(name), "partners[1]." + name);
                assertReason(e, "text in quotes");
            }
        }
    }

    @Test
    public void anUnknownFailbackIsRefusedListingTheValidValues() {
        ConfigurationReadException e = refused(thisScada("failback", "\"Manual\""));
        assertAt(e, 4, valueColumnOfThisScada("failback"), "thisScada.failback");
        assertReason(e, "\"manual\"", "\"automatic\"", "Manual");
    }

    @Test
    public void sectionsOfTheWrongTypeAreRefused() {
        String text = "{\"format\": 1, \"thisScada\": []}";
        assertAt(refused(text), 1, text.indexOf('[') + 1, "thisScada");
        text = "{\"format\": 1, \"partners\": {}}";
        assertAt(refused(text), 1, text.indexOf("{}") + 1, "partners");
        text = "{\"format\": 1, \"partners\": [{}, 7]}";
        ConfigurationReadException e = refused(text);
        assertAt(e, 1, text.indexOf('7') + 1, "partners[1]");
        assertReason(e, "object");
    }

    // --- unknown and duplicate fields ---------------------------------------------------------

    @Test
    public void anUnknownTopLevelFieldIsRefusedListingTheValidFields() {
        ConfigurationReadException e = refused("{\n  \"format\": 1,\n  \"partner\": []\n}");
        assertAt(e, 3, 3, "partner");
        assertReason(e, "unknown field \"partner\"", "format", "thisScada", "partners");
    }

    @Test
    public void anUnknownFieldInThisScadaIsRefusedListingTheValidFields() {
        ConfigurationReadException e = refused(thisScada("prot", "8000"));
        assertAt(e, 4, 5, "thisScada.prot");
        assertReason(e, "unknown field \"prot\"");
        for (ConfigField f : ConfigField.of(Section.THIS_SCADA)) {
            assertReason(e, f.jsonName());
        }
    }

    @Test
    public void anUnknownFieldInAPartnerRowIsRefusedListingTheValidFields() {
        ConfigurationReadException e = refused(partner("timeout", "3000"));
        assertAt(e, 6, 7, "partners[1].timeout");
        for (ConfigField f : ConfigField.of(Section.PARTNERS)) {
            assertReason(e, f.jsonName());
        }
    }

    @Test
    public void aDuplicateFieldIsRefused() {
        ConfigurationReadException e = refused("{\"format\": 1, \"thisScada\": {\"port\": 1, \"port\": 2}}");
        assertAt(e, 1, 40, "thisScada.port");
        assertReason(e, "\"port\"", "twice");
        assertAt(refused("{\"format\": 1, \"partners\": [{\"no\": 1, \"no\": 1}]}"), 1, 38, "partners[0].no");
        assertAt(refused("{\"format\": 1, \"partners\": [], \"partners\": []}"), 1, 31, "partners");
        assertAt(refused("{\"format\": 1, \"format\": 1}"), 1, 15, "format");
    }

    // --- format version -----------------------------------------------------------------------

    @Test
    public void aFileWithoutFormatIsRefused() {
        ConfigurationReadException e = refused("{\"thisScada\": {}, \"partners\": []}");
        assertEquals("format", e.fieldPath());
        assertReason(e, "\"format\" is missing");
        refused("{}");
    }

    @Test
    public void formatZeroIsRefused() {
        ConfigurationReadException e = refused("{\n  \"format\": 0\n}");
        assertAt(e, 2, 13, "format");
        assertReason(e, "0", "not valid");
        refused("{\"format\": -1}");
    }

    @Test
    public void aNewerFormatIsRefusedAskingToUpdateDuplex() {
        ConfigurationReadException e = refused("{\n  \"format\": 2,\n  \"somethingNew\": true\n}");
        assertAt(e, 2, 13, "format");
        assertReason(e, "format version 2", "newer version", "Update Duplex");
    }

    @Test
    public void aNewerFormatIsRecognisedEvenWhenFormatIsNotTheFirstField() {
        assertReason(refused("{\"newThing\": {\"x\": [1, 2]}, \"format\": 7}"), "newer version");
    }

    @Test
    public void aFormatWrittenAsTextOrFloatIsRefused() {
        ConfigurationReadException e = refused("{\"format\": \"1\"}");
        assertAt(e, 1, 12, "format");
        assertReason(e, "\"1\"");
        assertReason(refused("{\"format\": 1.0}"), "1.0");
        refused("{\"format\": null}");
        refused("{\"format\": 99999999999}");
    }

    // --- huge values --------------------------------------------------------------------------

    @Test
    public void aPortBeyondTheIntRangeIsRefusedNotWrappedAround() {
        ConfigurationReadException e = refused(thisScada("port", "99999999999999999999"));
        assertAt(e, 4, valueColumnOfThisScada("port"), "thisScada.port");
        assertReason(e, "99999999999999999999", "too large", "2147483647");
        assertReason(refused(thisScada("port", "2147483648")), "2147483648");
    }

    @Test
    public void aNumberBelowTheIntRangeIsRefusedAsTooSmall() {
        ConfigurationReadException e = refused(partner("retryCount", "-2147483649"));
        assertAt(e, 6, valueColumnOfPartner("retryCount"), "partners[1].retryCount");
        assertReason(e, "-2147483649", "too small", "-2147483648");
    }

    @Test
    public void theIntLimitsThemselvesAreRead() throws Exception {
        RedundancyConfiguration c = ConfigurationFile
                .parse(partner("retryCount", "-2147483648").getBytes(StandardCharsets.UTF_8), SOURCE).configuration();
        assertEquals(Integer.MIN_VALUE, c.partners().get(1).retryCount());
        c = ConfigurationFile.parse(partner("timeoutMs", "2147483647").getBytes(StandardCharsets.UTF_8), SOURCE)
                .configuration();
        assertEquals(Integer.MAX_VALUE, c.partners().get(1).timeoutMs());
    }

    @Test
    public void aTwoThousandDigitNumberIsRefusedWithItsFieldAndPlace() {
        ConfigurationReadException e = refused(thisScada("port", "9".repeat(2000)));
        assertAt(e, 4, valueColumnOfThisScada("port"), "thisScada.port");
        assertTrue("the message does not repeat 2000 digits: " + e.getMessage().length(),
                e.getMessage().length() < 400);
        assertReason(e, "1000");
        e = refused(partner("timeoutMs", "\n        -" + "1".repeat(2000)));
        assertAt(e, 7, 9, "partners[1].timeoutMs");
        e = refused("{\"format\": 1, \"thisScada\": {\"port\": 0." + "1".repeat(2000) + "}}");
        assertEquals("thisScada.port", e.fieldPath());
    }

    @Test
    public void aFloatBeyondDoubleIsRefused() {
        ConfigurationReadException e = refused(thisScada("startupAllowanceMs", "1e400"));
        assertAt(e, 4, valueColumnOfThisScada("startupAllowanceMs"), "thisScada.startupAllowanceMs");
        assertReason(e, "1e400");
    }

    @Test
    public void aCommentLongerThanTheLimitIsRefused() {
        ConfigurationReadException e = refused(thisScada("comment", "\"" + "c".repeat(5000) + "\""));
        assertAt(e, 4, valueColumnOfThisScada("comment"), "thisScada.comment");
        assertReason(e, "5000", String.valueOf(ConfigurationFile.MAX_TEXT_LENGTH));
        assertTrue(e.getMessage().length() < 400);
    }

    @Test
    public void aCommentOfExactlyTheLimitIsRead() throws Exception {
        String comment = "c".repeat(ConfigurationFile.MAX_TEXT_LENGTH);
        assertEquals(comment, ConfigurationFile.parse(thisScada("comment", "\"" + comment + "\"")
                .getBytes(StandardCharsets.UTF_8), SOURCE).configuration().thisScada().comment());
    }

    @Test
    public void moreThanMaxPartnersAreRefused() {
        StringBuilder b = new StringBuilder("{\"format\": 1,\n\"partners\": [\n");
        for (int i = 0; i <= ConfigurationFile.MAX_PARTNERS; i++) {
            b.append(i == 0 ? "" : ",\n").append("{}");
        }
        b.append("\n]}\n");
        ConfigurationReadException e = refused(b.toString());
        assertAt(e, 3 + ConfigurationFile.MAX_PARTNERS, 1, "partners");
        assertReason(e, String.valueOf(ConfigurationFile.MAX_PARTNERS));
    }

    @Test
    public void exactlyMaxPartnersAreRead() throws Exception {
        StringBuilder b = new StringBuilder("{\"format\": 1, \"partners\": [");
        for (int i = 0; i < ConfigurationFile.MAX_PARTNERS; i++) {
            b.append(i == 0 ? "" : ",").append("{}");
        }
        b.append("]}");
        assertEquals(ConfigurationFile.MAX_PARTNERS, ConfigurationFile
                .parse(b.toString().getBytes(StandardCharsets.UTF_8), SOURCE).configuration().partners().size());
    }

    @Test
    public void bytesLargerThanMaxFileBytesAreRefusedBeforeParsing() {
        byte[] bytes = new byte[ConfigurationFile.MAX_FILE_BYTES + 1];
        java.util.Arrays.fill(bytes, (byte) ' ');
        bytes[0] = '{';
        ConfigurationReadException e = refused(bytes);
        assertReason(e, String.valueOf(ConfigurationFile.MAX_FILE_BYTES + 1),
                String.valueOf(ConfigurationFile.MAX_FILE_BYTES));
    }

    // --- encoding -----------------------------------------------------------------------------

    @Test
    public void aLatin1ByteInATextNamesItsLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("{\n  \"format\": 1,\n  \"thisScada\": {\"symbol\": \"Caf".getBytes(StandardCharsets.US_ASCII));
        out.write(0xE9); // é in Latin-1
        out.write("\"}\n}\n".getBytes(StandardCharsets.US_ASCII));
        ConfigurationReadException e = refused(out.toByteArray());
        assertAt(e, 3, 31, null);
        assertReason(e, "UTF-8", "E9");
    }

    @Test
    public void aUtf8ByteOrderMarkIsAccepted() throws Exception {
        byte[] bytes = ConfigurationFile.toBytes(sample());
        byte[] withBom = new byte[bytes.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(bytes, 0, withBom, 3, bytes.length);
        assertEquals(sample(), ConfigurationFile.parse(withBom, SOURCE).configuration());
    }

    @Test
    public void aByteOrderMarkAloneIsAnEmptyFile() {
        assertReason(refused(new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF }), "empty");
    }

    @Test
    public void aUtf16FileIsRefused() {
        refused(new String(ConfigurationFile.toBytes(sample()), StandardCharsets.UTF_8)
                .getBytes(StandardCharsets.UTF_16));
    }

    // --- syntax -------------------------------------------------------------------------------

    @Test
    public void trailingTextAfterTheObjectIsRefused() {
        ConfigurationReadException e = refused("{\"format\": 1}\n{}");
        assertAt(e, 2, 1, null);
        assertReason(e, "after the end");
        // Jackson reports an unknown word where it ends: the line is what matters
        assertEquals(2, refused("{\"format\": 1}\ngarbage").line());
        assertEquals(2, refused("{\"format\": 1}\n]").line());
    }

    @Test
    public void commentsAndTrailingCommasAreNotJsonAndAreRefused() {
        refused("{\"format\": 1, // one\n}");
        refused("{\"format\": 1,}");
        refused("{\"format\": 1, \"partners\": [{},]}");
        refused("{'format': 1}");
        refused("{format: 1}");
    }

    @Test
    public void deepNestingIsRefusedWithoutAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        refused("{\"format\": 1, \"thisScada\": {\"comment\": " + deep + "}}");
        ConfigurationReadException e = refused("{\"extension\": " + deep + ", \"format\": 1}");
        assertTrue("line of " + e.getMessage(), e.line() >= 1);
        refused(deep);
        refused("{\"format\": 1, \"future\": " + deep + "}");
    }

    @Test
    public void noHalfReadConfigurationLeaksOut() {
        // the error is at the very end; all rows before it were fine
        String text = "{\"format\": 1, \"partners\": [{\"symbol\": \"A\"}, {\"symbol\": \"B\"}, {\"symbol\": 3}]}";
        assertEquals("partners[2].symbol", refused(text).fieldPath());
    }

    @Test
    public void aValidFileReadsBack() throws Exception {
        byte[] bytes = ConfigurationFile.toBytes(sample());
        assertArrayEquals(bytes, ConfigurationFile.toBytes(ConfigurationFile.parse(bytes, SOURCE).configuration()));
    }
}
