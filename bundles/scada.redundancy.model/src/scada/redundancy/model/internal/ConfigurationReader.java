package scada.redundancy.model.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.Failback;
import scada.redundancy.model.FieldPaths;
import scada.redundancy.model.LoadedConfiguration;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.Section;
import scada.redundancy.model.SourceLocation;

/**
 * Reads the JSON configuration file with Jackson's streaming parser, which knows the line and
 * column of every token. Strict: every value's type is checked, unknown and duplicate fields are
 * refused; fields left out take their defaults. One instance reads one file.
 */
public final class ConfigurationReader {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final String FORMAT = "format";

    private final String source;
    private final Map<String, SourceLocation> locations = new HashMap<>();
    private JsonParser parser;
    /** The path of the object whose fields are being read ({@code null} for the file's object). */
    private String objectPath;

    public ConfigurationReader(String source) {
        this.source = source;
    }

    public LoadedConfiguration read(byte[] bytes) throws ConfigurationReadException {
        if (bytes.length > ConfigurationFile.MAX_FILE_BYTES) {
            throw fail(0, 0, null, Messages.format("read.tooLarge", bytes.length, ConfigurationFile.MAX_FILE_BYTES));
        }
        String text = decodeUtf8(bytes);
        if (text.isBlank()) {
            throw fail(1, 1, null, Messages.get("read.empty"));
        }
        try {
            checkFormatVersion(text);
            return new LoadedConfiguration(readConfiguration(text), locations);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            if ((at == null || at.getLineNr() <= 0) && parser != null) {
                throw limitExceeded(text, e);
            }
            throw fail(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), null,
                    Messages.format("read.syntax", firstLine(e.getOriginalMessage())));
        } catch (IOException e) {
            throw fail(0, 0, null, Messages.format("read.io", e.getMessage()));
        }
    }

    /** Pass one: the format version decides whether the rest can be read at all. */
    private void checkFormatVersion(String text) throws IOException, ConfigurationReadException {
        try (JsonParser p = JSON.createParser(text)) {
            parser = p;
            expectRootObject();
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (FORMAT.equals(name)) {
                    checkVersion();
                    return;
                }
                p.skipChildren();
            }
            throw fail(1, 1, FORMAT, Messages.format("read.format.missing", ConfigurationFile.FORMAT_VERSION));
        }
    }

    private void checkVersion() throws IOException, ConfigurationReadException {
        JsonParser p = parser;
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw failHere(FORMAT, Messages.format("read.format.notInteger", describe(), ConfigurationFile.FORMAT_VERSION));
        }
        int version = p.getIntValue();
        if (version > ConfigurationFile.FORMAT_VERSION) {
            throw failHere(FORMAT, Messages.format("read.format.newer", version, ConfigurationFile.FORMAT_VERSION));
        }
        if (version < 1) {
            throw failHere(FORMAT, Messages.format("read.format.invalid", version, ConfigurationFile.FORMAT_VERSION));
        }
    }

    /** Pass two: the whole configuration. */
    private RedundancyConfiguration readConfiguration(String text) throws IOException, ConfigurationReadException {
        try (JsonParser p = JSON.createParser(text)) {
            parser = p;
            expectRootObject();
            LocalServer local = LocalServer.defaults();
            List<Map<ConfigField, Object>> partners = List.of();
            Set<String> seen = new HashSet<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!seen.add(name)) {
                    throw failHere(name, Messages.format("read.duplicateField", name));
                }
                if (!FORMAT.equals(name) && !Section.THIS_SCADA.jsonName().equals(name)
                        && !Section.PARTNERS.jsonName().equals(name)) {
                    // reported at the name, as an unknown field of a row is
                    throw failHere(name, Messages.format("read.unknownField", name, "the file",
                            String.join(", ", FORMAT, Section.THIS_SCADA.jsonName(), Section.PARTNERS.jsonName())));
                }
                p.nextToken();
                if (Section.THIS_SCADA.jsonName().equals(name)) {
                    local = localServer(readObject(Section.THIS_SCADA, Section.THIS_SCADA.jsonName(), -1));
                } else if (Section.PARTNERS.jsonName().equals(name)) {
                    partners = readPartners();
                } // "format" was checked in pass one
            }
            if (p.nextToken() != null) {
                throw failHere(null, Messages.get("read.trailing"));
            }
            List<Partner> list = new ArrayList<>(partners.size());
            for (int i = 0; i < partners.size(); i++) {
                list.add(partner(partners.get(i), i, local.port()));
            }
            return new RedundancyConfiguration(local, list);
        }
    }

    private void expectRootObject() throws IOException, ConfigurationReadException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw failHere(null, Messages.format("read.notObject", describe()));
        }
    }

    private List<Map<ConfigField, Object>> readPartners() throws IOException, ConfigurationReadException {
        String path = Section.PARTNERS.jsonName();
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw failHere(path, Messages.format("read.expected.array", describe()));
        }
        List<Map<ConfigField, Object>> rows = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            int index = rows.size();
            if (index >= ConfigurationFile.MAX_PARTNERS) {
                throw failHere(path, Messages.format("read.partners.tooMany", ConfigurationFile.MAX_PARTNERS));
            }
            rows.add(readObject(Section.PARTNERS, FieldPaths.partner(index), index));
        }
        return rows;
    }

    /** Reads one row object into field values, checking each value's type. */
    private Map<ConfigField, Object> readObject(Section section, String path, int partnerIndex)
            throws IOException, ConfigurationReadException {
        JsonParser p = parser;
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw failHere(path, Messages.format("read.expected.object", describe()));
        }
        locations.put(path, location());
        objectPath = path;
        Map<ConfigField, Object> values = new EnumMap<>(ConfigField.class);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            ConfigField field = ConfigField.byJsonName(section, name);
            if (field == null) {
                throw failHere(path + "." + name, Messages.format("read.unknownField", name, path,
                        ConfigField.of(section).stream().map(ConfigField::jsonName).collect(Collectors.joining(", "))));
            }
            String fieldPath = FieldPaths.of(field, partnerIndex);
            if (values.containsKey(field)) {
                throw failHere(fieldPath, Messages.format("read.duplicateField", name));
            }
            p.nextToken();
            locations.put(fieldPath, location());
            values.put(field, value(field, fieldPath));
        }
        objectPath = null;
        return values;
    }

    private Object value(ConfigField field, String path) throws IOException, ConfigurationReadException {
        switch (field) {
        case THIS_ACTIVATE, THIS_ENABLE_DB_SYNC, PARTNER_ACTIVATE:
            if (!parser.currentToken().isBoolean()) {
                throw failHere(path, Messages.format("read.expected.boolean", describe()));
            }
            return parser.getBooleanValue();
        case THIS_PORT, THIS_STARTUP_ALLOWANCE, PARTNER_NO, PARTNER_PORT, PARTNER_PERIOD, PARTNER_TIMEOUT,
                PARTNER_RETRY_COUNT:
            return integer(path);
        case THIS_FAILBACK:
            Failback failback = Failback.byJsonName(string(path));
            if (failback == null) {
                throw failHere(path, Messages.format("read.expected.failback", describe()));
            }
            return failback;
        case THIS_SYMBOL, THIS_DATABASE, THIS_COMMENT, PARTNER_SYMBOL, PARTNER_IP_ADDRESS, PARTNER_COMMENT,
                PARTNER_CERTIFICATE:
            return string(path);
        default:
            throw new IllegalStateException("no reader for " + field);
        }
    }

    private int integer(String path) throws IOException, ConfigurationReadException {
        JsonParser p = parser;
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw failHere(path, Messages.format("read.expected.integer", describe()));
        }
        if (p.getNumberType() != JsonParser.NumberType.INT) {
            String digits = p.getText();
            boolean negative = digits.startsWith("-");
            throw failHere(path, Messages.format(negative ? "read.expected.integerBelowRange" : "read.expected.integerRange",
                    digits.length() > 24 ? digits.substring(0, 20) + "... (" + digits.length() + " digits)" : digits,
                    negative ? Integer.MIN_VALUE : Integer.MAX_VALUE));
        }
        return p.getIntValue();
    }

    private String string(String path) throws IOException, ConfigurationReadException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw failHere(path, Messages.format("read.expected.string", describe()));
        }
        String text = parser.getText();
        if (text.length() > ConfigurationFile.MAX_TEXT_LENGTH) {
            throw failHere(path, Messages.format("read.string.tooLong", text.length(), ConfigurationFile.MAX_TEXT_LENGTH));
        }
        return text;
    }

    private static LocalServer localServer(Map<ConfigField, Object> v) {
        LocalServer d = LocalServer.defaults();
        return new LocalServer(
                (String) v.getOrDefault(ConfigField.THIS_SYMBOL, d.symbol()),
                (Integer) v.getOrDefault(ConfigField.THIS_PORT, d.port()),
                (Boolean) v.getOrDefault(ConfigField.THIS_ACTIVATE, d.activate()),
                (Boolean) v.getOrDefault(ConfigField.THIS_ENABLE_DB_SYNC, d.enableDbSync()),
                (String) v.getOrDefault(ConfigField.THIS_DATABASE, d.database()),
                (String) v.getOrDefault(ConfigField.THIS_COMMENT, d.comment()),
                (Failback) v.getOrDefault(ConfigField.THIS_FAILBACK, d.failback()),
                (Integer) v.getOrDefault(ConfigField.THIS_STARTUP_ALLOWANCE, d.startupAllowanceMs()));
    }

    /** A partner row; a row without a No is numbered by its position, without a Port it takes the local port. */
    private static Partner partner(Map<ConfigField, Object> v, int index, int localPort) {
        return new Partner(
                (Integer) v.getOrDefault(ConfigField.PARTNER_NO, index + 1),
                (String) v.getOrDefault(ConfigField.PARTNER_SYMBOL, ""),
                (String) v.getOrDefault(ConfigField.PARTNER_IP_ADDRESS, ""),
                (Integer) v.getOrDefault(ConfigField.PARTNER_PORT, localPort),
                (Integer) v.getOrDefault(ConfigField.PARTNER_PERIOD, Partner.DEFAULT_PERIOD_MS),
                (Integer) v.getOrDefault(ConfigField.PARTNER_TIMEOUT, Partner.DEFAULT_TIMEOUT_MS),
                (Integer) v.getOrDefault(ConfigField.PARTNER_RETRY_COUNT, Partner.DEFAULT_RETRY_COUNT),
                (Boolean) v.getOrDefault(ConfigField.PARTNER_ACTIVATE, true),
                (String) v.getOrDefault(ConfigField.PARTNER_COMMENT, ""),
                (String) v.getOrDefault(ConfigField.PARTNER_CERTIFICATE, ""));
    }

    /** The current token in words, for messages: {@code the text "8000"}, {@code null}, ... */
    private String describe() throws IOException {
        JsonToken t = parser.currentToken();
        if (t == null) {
            return "the end of the file";
        }
        switch (t) {
        case VALUE_STRING:
            String s = parser.getText();
            return "the text \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT:
            String n = parser.getText();
            return "the number " + (n.length() > 24 ? n.substring(0, 20) + "..." : n);
        case VALUE_TRUE, VALUE_FALSE:
            return String.valueOf(parser.getBooleanValue());
        case VALUE_NULL:
            return "null";
        case START_ARRAY:
            return "a list";
        case START_OBJECT:
            return "an object";
        default:
            return t.asString() == null ? t.name() : t.asString();
        }
    }

    private SourceLocation location() {
        JsonLocation at = parser.currentTokenLocation();
        return new SourceLocation(at.getLineNr(), at.getColumnNr());
    }

    private ConfigurationReadException failHere(String path, String reason) {
        SourceLocation at = location();
        return fail(at.line(), at.column(), path, reason);
    }

    private ConfigurationReadException fail(int line, int column, String path, String reason) {
        return new ConfigurationReadException(source, line, column, path, reason);
    }

    /**
     * A limit of the parser (a number of more than 1000 digits, nesting deeper than 1000) is
     * reported without a location. The parser reads a value together with its field's name, so the
     * offending token is usually the value of the current field: find where that value starts.
     */
    private ConfigurationReadException limitExceeded(String text, JsonProcessingException e) {
        String reason = Messages.format("read.syntax", firstLine(e.getOriginalMessage()));
        if (parser.currentToken() != JsonToken.FIELD_NAME) {
            JsonLocation at = parser.currentLocation();
            return fail(at.getLineNr(), at.getColumnNr(), null, reason);
        }
        String name = parser.getParsingContext().getCurrentName();
        JsonLocation at = parser.currentTokenLocation(); // the name's
        int line = at.getLineNr();
        int column = at.getColumnNr();
        int i = (int) at.getCharOffset();
        if (i >= 0 && i < text.length() && text.charAt(i) == '"') {
            // skip the quoted name, then blanks and the colon
            int end = i + 1;
            while (end < text.length() && text.charAt(end) != '"') {
                end += text.charAt(end) == '\\' ? 2 : 1;
            }
            column += end + 1 - i;
            for (i = end + 1; i < text.length() && " \t\r\n:".indexOf(text.charAt(i)) >= 0; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
        }
        return fail(line, column, objectPath == null ? name : objectPath + "." + name, reason);
    }

    /** Decodes strictly: a byte that is not UTF-8 is an error with its line and column, never a replacement character. */
    private String decodeUtf8(byte[] bytes) throws ConfigurationReadException {
        int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF ? 3 : 0; // a byte order mark, as some Windows editors write
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            out.flip();
            String good = out.toString();
            int line = 1 + (int) good.chars().filter(c -> c == '\n').count();
            int column = good.length() - good.lastIndexOf('\n');
            throw fail(line, column, null,
                    Messages.format("read.notUtf8", String.format("%02X", bytes[in.position()] & 0xFF)));
        }
        decoder.flush(out);
        out.flip();
        return out.toString();
    }

    /** Jackson's message in plain words: no parser internals, positions as "line L, column C". */
    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.replaceAll("\\(start marker at \\[Source: [^;]*; line: (\\d+), column: (\\d+)\\]\\)",
                "(opened at line $1, column $2)")
                .replaceAll(", from `[^`]*`\\)", ")")
                .replace("Unexpected end-of-input", "the file ends too early")
                .replace("expected close marker for Object", "an object is not closed with '}'")
                .replace("expected close marker for Array", "a list is not closed with ']'");
    }

}
