package scada.redundancy.model.tests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.Test;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;

/**
 * Every kind of bad file fails with a ConfigurationReadException that names the line, column and
 * field — never another exception, never a half-read configuration.
 */
public class MalformedFileTest {

    static ConfigurationReadException refused(String text) {
        return refused(text.getBytes(StandardCharsets.UTF_8));
    }

    static ConfigurationReadException refused(byte[] bytes) {
        try {
            ConfigurationFile.parse(bytes, "r.scadaredundancy");
        } catch (ConfigurationReadException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("r.scadaredundancy"));
            return e;
        } catch (RuntimeException e) {
            throw new AssertionError("not a ConfigurationReadException: " + e, e);
        }
        fail("accepted: " + new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8));
        return null;
    }

    static void at(ConfigurationReadException e, int line, int column, String field) {
        assertEquals(e.getMessage(), line, e.line());
        if (column > 0) {
            assertEquals(e.getMessage(), column, e.column());
        }
        assertEquals(e.getMessage(), field, e.fieldPath());
    }

    @Test
    public void emptyAndBlankFiles() {
        assertTrue(refused("").reason().contains("empty"));
        assertTrue(refused(" \n\t\n").reason().contains("empty"));
    }

    @Test
    public void aFileCutAtAnyLengthIsRefused() {
        byte[] whole = ConfigurationFile.toBytes(ValidationRulesTest.valid());
        for (int n = 0; n < whole.length - 1; n++) { // the last byte is the final newline: cutting it leaves valid JSON
            refused(Arrays.copyOf(whole, n));
        }
        ConfigurationReadException e = refused("{\"format\": 1,\n\"partners\": [ {\"no\": 1");
        assertEquals(2, e.line());
        assertTrue(e.reason(), e.reason().startsWith("not valid JSON"));
        assertTrue(e.reason(), e.reason().contains("ends too early"));
    }

    @Test
    public void theTopLevelMustBeAnObject() {
        for (String s : new String[] { "[]", "42", "\"x\"", "null", "true" }) {
            assertTrue(s, refused(s).reason().contains("JSON object"));
        }
    }

    @Test
    public void everyFieldHasItsType() {
        at(refused("{\"format\":1,\n\"thisScada\":{\"port\":\"8000\"}}"), 2, 21, "thisScada.port");
        at(refused("{\"format\":1,\n\"thisScada\":{\"port\":8000.5}}"), 2, 0, "thisScada.port");
        at(refused("{\"format\":1,\n\"thisScada\":{\"activate\":1}}"), 2, 0, "thisScada.activate");
        at(refused("{\"format\":1,\n\"thisScada\":{\"symbol\":null}}"), 2, 0, "thisScada.symbol");
        at(refused("{\"format\":1,\n\"thisScada\":{\"comment\":{\"a\":1}}}"), 2, 0, "thisScada.comment");
        at(refused("{\"format\":1,\n\"thisScada\":{\"failback\":\"sometimes\"}}"), 2, 0, "thisScada.failback");
        at(refused("{\"format\":1,\n\"thisScada\":[]}"), 2, 0, "thisScada");
        at(refused("{\"format\":1,\n\"partners\":{}}"), 2, 0, "partners");
        at(refused("{\"format\":1,\n\"partners\":[42]}"), 2, 0, "partners[0]");
        at(refused("{\"format\":1,\"partners\":[{},\n{\"retryCount\":\"3\"}]}"), 2, 0, "partners[1].retryCount");
        at(refused("{\"format\":1,\"partners\":[{\"activate\":\"yes\"}]}"), 1, 0, "partners[0].activate");
        assertTrue(refused("{\"format\":1,\"thisScada\":{\"port\":\"8000\"}}").reason()
                .contains("must be a whole number, found the text \"8000\""));
    }

    @Test
    public void unknownFieldsAreRefusedWithTheValidNames() {
        ConfigurationReadException top = refused("{\"format\":1,\"colour\":\"red\"}");
        at(top, 1, 0, "colour");
        assertTrue(top.reason(), top.reason().contains("format, thisScada, partners"));
        ConfigurationReadException row = refused("{\"format\":1,\"partners\":[{\"ip\":\"1.2.3.4\"}]}");
        at(row, 1, 0, "partners[0].ip");
        assertTrue(row.reason(), row.reason().contains("ipAddress"));
    }

    @Test
    public void duplicateFieldsAreRefused() {
        at(refused("{\"format\":1,\"thisScada\":{\"port\":1,\n\"port\":2}}"), 2, 0, "thisScada.port");
        at(refused("{\"format\":1,\"partners\":[],\"partners\":[]}"), 1, 0, "partners");
    }

    @Test
    public void theFormatVersionComesFirstAndIsChecked() {
        assertTrue(refused("{\"thisScada\":{}}").reason().contains("\"format\" is missing"));
        assertTrue(refused("{\"format\":0}").reason().contains("not valid"));
        assertTrue(refused("{\"format\":\"1\"}").reason().contains("not valid"));
        ConfigurationReadException newer = refused("{\"format\":2, \"somethingNew\": {\"x\": 1}}");
        assertTrue(newer.reason(), newer.reason().contains("newer version of Duplex") && newer.reason().contains("Update"));
        assertEquals("format", newer.fieldPath());
    }

    @Test
    public void hugeValuesAreRefusedNotTruncated() {
        at(refused("{\"format\":1,\"thisScada\":{\"port\":99999999999999999999}}"), 1, 0, "thisScada.port");
        assertTrue(refused("{\"format\":1,\"thisScada\":{\"port\":2147483648}}").reason().contains("too large"));
        refused("{\"format\":1,\"thisScada\":{\"port\":" + "9".repeat(2000) + "}}");
        at(refused("{\"format\":1,\"thisScada\":{\"port\":1e400}}"), 1, 0, "thisScada.port");
        ConfigurationReadException text = refused("{\"format\":1,\"thisScada\":{\"comment\":\"" + "x".repeat(5000) + "\"}}");
        assertTrue(text.reason(), text.reason().contains("5000 characters"));
        StringBuilder many = new StringBuilder("{\"format\":1,\"partners\":[");
        for (int i = 0; i <= ConfigurationFile.MAX_PARTNERS; i++) {
            many.append(i == 0 ? "" : ",").append("{}");
        }
        assertTrue(refused(many.append("]}").toString()).reason().contains("more than"));
        byte[] big = new byte[ConfigurationFile.MAX_FILE_BYTES + 1];
        Arrays.fill(big, (byte) ' ');
        assertTrue(refused(big).reason().contains("at most"));
    }

    @Test
    public void textThatIsNotUtf8NamesItsLine() {
        byte[] latin1 = "{\"format\": 1,\n\"thisScada\": {\n\"comment\": \"Stra\u00dfe caf\u00e9\"}}".getBytes(StandardCharsets.ISO_8859_1);
        ConfigurationReadException e = refused(latin1);
        assertEquals(3, e.line());
        assertTrue(e.reason(), e.reason().contains("not UTF-8") && e.reason().contains("DF"));
        assertNull(e.fieldPath());
    }

    @Test
    public void aUtf8ByteOrderMarkIsAccepted() throws Exception {
        byte[] body = ConfigurationFile.toBytes(ValidationRulesTest.valid());
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        assertEquals(ValidationRulesTest.valid(), ConfigurationFile.parse(withBom, "bom").configuration());
    }

    @Test
    public void trailingTextAndDeepNestingAreRefused() {
        assertTrue(refused("{\"format\":1} {\"format\":1}").reason().contains("after the end"));
        refused("{\"format\":1} x");
        refused("{\"format\":1,\"thisScada\":{\"comment\":" + "[".repeat(5000) + "}}");
    }

    @Test
    public void refusalKeepsNoPartOfTheInput() throws Exception {
        // A valid file stays valid after a failed read of another: the reader keeps no state.
        byte[] good = ConfigurationFile.toBytes(ValidationRulesTest.valid());
        refused("{\"format\":1,\"partners\":[{\"no\":1},{\"no\":\"2\"}]}");
        assertArrayEquals(good, ConfigurationFile.toBytes(ConfigurationFile.parse(good, "ok").configuration()));
    }
}
