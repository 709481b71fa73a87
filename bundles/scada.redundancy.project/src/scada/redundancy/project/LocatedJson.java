package scada.redundancy.project;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JSON file read into a tree that remembers where each value stood, by JSON pointer
 * ("/tags/3/area"), so that a problem found while checking the tree can name its line. Jackson's
 * own tree forgets locations; its streaming parser has them.
 */
final class LocatedJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    final JsonNode root;
    private final Map<String, JsonLocation> locations = new HashMap<>();
    /** Keys given twice in one object: pointer of the second one. */
    final Map<String, String> duplicateKeys = new HashMap<>();

    private LocatedJson(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw new com.fasterxml.jackson.core.JsonParseException(parser, "the file is empty: expected a JSON object");
        }
        root = read(parser, "");
        if (parser.nextToken() != null) {
            throw new com.fasterxml.jackson.core.JsonParseException(parser, "unexpected text after the end of the JSON object");
        }
    }

    /** @throws com.fasterxml.jackson.core.JsonProcessingException malformed JSON, with its location */
    static LocatedJson read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file); JsonParser parser = FACTORY.createParser(in)) {
            return new LocatedJson(parser);
        }
    }

    private JsonNode read(JsonParser p, String pointer) throws IOException {
        locations.put(pointer, p.currentTokenLocation());
        JsonToken t = p.currentToken();
        switch (t) {
        case START_OBJECT: {
            ObjectNode o = NODES.objectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
                p.nextToken();
                JsonNode value = read(p, child);
                if (o.has(name)) {
                    duplicateKeys.put(child, name);
                }
                o.set(name, value);
            }
            return o;
        }
        case START_ARRAY: {
            ArrayNode a = NODES.arrayNode();
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                a.add(read(p, pointer + "/" + i++));
            }
            return a;
        }
        case VALUE_STRING:
            return NODES.textNode(p.getText());
        case VALUE_NUMBER_INT:
            return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? NODES.numberNode(p.getBigIntegerValue())
                    : NODES.numberNode(p.getLongValue());
        case VALUE_NUMBER_FLOAT:
            return NODES.numberNode(p.getDoubleValue());
        case VALUE_TRUE:
            return NODES.booleanNode(true);
        case VALUE_FALSE:
            return NODES.booleanNode(false);
        case VALUE_NULL:
            return NODES.nullNode();
        default:
            throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + t);
        }
    }

    /** Where the value at {@code pointer} starts, or the nearest enclosing value's start. */
    JsonLocation location(String pointer) {
        for (String p = pointer;; p = p.substring(0, p.lastIndexOf('/'))) {
            JsonLocation l = locations.get(p);
            if (l != null || p.isEmpty()) {
                return l;
            }
        }
    }
}
