package scada.redundancy.project;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads a project directory (layout: {@link scada.redundancy.project package documentation})
 * and checks it. Every problem is collected, not only the first, so that one run of the check
 * shows everything to fix; each names its file, line and field.
 */
public final class ProjectReader {
    public static final String PROJECT_FILE = "project.json";
    public static final String TAGS_DIR = "tags";
    public static final int MAX_NAME = 200;
    public static final int MIN_POLL_MS = 50;
    public static final int MAX_POLL_MS = 3_600_000;
    public static final int DEFAULT_POLL_MS = 1000;

    private static final Set<String> PROJECT_FIELDS = Set.of("name", "version", "description", "plcs");
    private static final Set<String> PLC_FIELDS = Set.of("name", "host", "port", "unitId", "connectTimeoutMs",
            "readTimeoutMs");
    private static final Set<String> TAGS_FILE_FIELDS = Set.of("tags");
    private static final Set<String> TAG_FIELDS = Set.of("name", "plc", "area", "offset", "type", "scale", "unit",
            "pollMs", "description");
    private static final Set<String> SCALE_FIELDS = Set.of("factor", "offset");

    private final Path dir;
    private final List<ProjectProblem> problems = new ArrayList<>();
    /** The file being checked and its tree. */
    private String file;
    private LocatedJson json;

    private ProjectReader(Path dir) {
        this.dir = dir;
    }

    /** Reads and checks the project in {@code dir}. */
    public static Project read(Path dir) throws ProjectException {
        return new ProjectReader(dir).read();
    }

    private Project read() throws ProjectException {
        if (!Files.isDirectory(dir)) {
            throw new ProjectException(dir.toString(),
                    List.of(new ProjectProblem(dir.toString(), 0, 0, "", "not a directory: give the project's folder")));
        }
        // The fingerprint first: a file changed while it is read then differs from what was checked.
        String fingerprint = ProjectFingerprint.of(dir);
        String name = "";
        String version = "";
        String description = "";
        Map<String, Plc> plcs = new LinkedHashMap<>();
        // Every PLC name given, valid or not: a tag naming a PLC with a bad port is not "unknown".
        Set<String> plcNames = new java.util.LinkedHashSet<>();
        if (open(PROJECT_FILE)) {
            JsonNode root = json.root;
            if (requireObject(root, "", "the project")) {
                unknownFields(root, "", PROJECT_FIELDS);
                name = text(root, "", "name", null);
                version = text(root, "", "version", null);
                description = text(root, "", "description", "");
                JsonNode list = root.get("plcs");
                if (list == null) {
                    problem("", "plcs", "missing: list the PLC connections, e.g. \"plcs\": [ { \"name\": \"plc-1\", \"host\": \"10.0.0.5\" } ]");
                } else if (!list.isArray()) {
                    problem("/plcs", "plcs", "must be a list of PLCs [ ... ]");
                } else {
                    for (int i = 0; i < list.size(); i++) {
                        JsonNode node = list.get(i);
                        Plc plc = plc(node, "/plcs/" + i);
                        String plcName = node.path("name").textValue();
                        if (plcName != null && !plcNames.add(plcName)) {
                            problem("/plcs/" + i + "/name", "plcs[" + i + "].name",
                                    "PLC '" + plcName + "' is defined twice: give each PLC its own name");
                        } else if (plc != null) {
                            plcs.put(plc.name(), plc);
                        }
                    }
                }
            }
        }
        List<Tag> tags = new ArrayList<>();
        Map<String, String> tagWhere = new HashMap<>();
        for (Path tagFile : tagFiles()) {
            if (!open(dir.relativize(tagFile).toString().replace('\\', '/'))) {
                continue;
            }
            JsonNode root = json.root;
            if (!requireObject(root, "", "a tags file")) {
                continue;
            }
            unknownFields(root, "", TAGS_FILE_FIELDS);
            JsonNode list = root.get("tags");
            if (list == null || !list.isArray()) {
                problem(list == null ? "" : "/tags", "tags", "must be a list of tags: { \"tags\": [ ... ] }");
                continue;
            }
            for (int i = 0; i < list.size(); i++) {
                String pointer = "/tags/" + i;
                Tag tag = tag(list.get(i), pointer, plcNames);
                if (tag == null) {
                    continue;
                }
                String here = file + ":" + line(pointer);
                String before = tagWhere.putIfAbsent(tag.name(), here);
                if (before != null) {
                    problem(pointer + "/name", "tags[" + i + "].name",
                            "tag '" + tag.name() + "' is already defined at " + before + ": tag names must be unique");
                } else {
                    tags.add(tag);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ProjectException(dir.toString(), problems);
        }
        return new Project(dir, name, version, description, List.copyOf(plcs.values()), tags, fingerprint);
    }

    private List<Path> tagFiles() throws ProjectException {
        Path tagsDir = dir.resolve(TAGS_DIR);
        if (!Files.isDirectory(tagsDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(tagsDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f)).sorted()
                    .toList();
        } catch (IOException e) {
            throw new ProjectException(dir.toString(),
                    List.of(new ProjectProblem(TAGS_DIR, 0, 0, "", "cannot list the folder: " + e.getMessage())));
        }
    }

    /** Reads {@code relative} into {@link #json}; false (with a problem) if it cannot. */
    private boolean open(String relative) {
        file = relative;
        json = null;
        Path f = dir.resolve(relative);
        if (!Files.isRegularFile(f)) {
            problems.add(new ProjectProblem(relative, 0, 0, "", "missing: every project has a " + relative
                    + " with its name, version and PLCs"));
            return false;
        }
        try {
            json = LocatedJson.read(f);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            problems.add(new ProjectProblem(relative, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(), "",
                    "not valid JSON: " + e.getOriginalMessage()));
            return false;
        } catch (IOException e) {
            problems.add(new ProjectProblem(relative, 0, 0, "", "cannot read: " + e.getMessage()));
            return false;
        }
        for (Map.Entry<String, String> d : json.duplicateKeys.entrySet()) {
            problem(d.getKey(), fieldPath(d.getKey()), "given twice in one object: keep one");
        }
        return true;
    }

    private Plc plc(JsonNode node, String pointer) {
        if (!requireObject(node, pointer, "a PLC")) {
            return null;
        }
        int before = problems.size();
        unknownFields(node, pointer, PLC_FIELDS);
        String name = name(node, pointer);
        String host = text(node, pointer, "host", null);
        int port = integer(node, pointer, "port", Plc.DEFAULT_PORT, 1, 65535);
        int unitId = integer(node, pointer, "unitId", Plc.DEFAULT_UNIT_ID, 0, 255);
        int connect = integer(node, pointer, "connectTimeoutMs", Plc.DEFAULT_CONNECT_TIMEOUT_MS, 100, 60_000);
        int read = integer(node, pointer, "readTimeoutMs", Plc.DEFAULT_READ_TIMEOUT_MS, 100, 60_000);
        return problems.size() > before ? null : new Plc(name, host, port, unitId, connect, read);
    }

    private Tag tag(JsonNode node, String pointer, Set<String> plcs) {
        if (!requireObject(node, pointer, "a tag")) {
            return null;
        }
        int before = problems.size();
        unknownFields(node, pointer, TAG_FIELDS);
        String name = name(node, pointer);
        String plc = text(node, pointer, "plc", null);
        if (plc != null && !plc.isEmpty() && !plcs.isEmpty() && !plcs.contains(plc)) {
            problem(pointer + "/plc", fieldPath(pointer + "/plc"),
                    "no PLC '" + plc + "' in project.json: use one of " + String.join(", ", plcs));
        } else if (plc != null && plcs.isEmpty() && !plc.isEmpty()) {
            problem(pointer + "/plc", fieldPath(pointer + "/plc"), "no PLC '" + plc + "': project.json defines no PLC");
        }
        Area area = null;
        String areaName = text(node, pointer, "area", null);
        if (areaName != null) {
            area = Area.ofJsonName(areaName);
            if (area == null) {
                problem(pointer + "/area", fieldPath(pointer + "/area"),
                        "'" + areaName + "' is not a Modbus area: use coil, discrete-input, input-register or holding-register");
            }
        }
        int offset = integer(node, pointer, "offset", null, 0, 65535);
        DataType type = null;
        String typeName = text(node, pointer, "type", area != null && area.isBits() ? "bool" : null);
        if (typeName != null) {
            type = DataType.ofJsonName(typeName);
            if (type == null) {
                problem(pointer + "/type", fieldPath(pointer + "/type"),
                        "'" + typeName + "' is not a data type: use bool, int16, uint16, int32 or float32");
            } else if (area != null && area.isBits() && type != DataType.BOOL) {
                problem(pointer + "/type", fieldPath(pointer + "/type"),
                        "a " + area.jsonName() + " holds one bit: its type is bool, not " + typeName);
            } else if (area != null && !area.isBits() && offset + type.registers() - 1 > 65535) {
                problem(pointer + "/offset", fieldPath(pointer + "/offset"), "a " + typeName + " at " + offset
                        + " would run past register 65535: it takes " + type.registers() + " registers");
            }
        }
        Scaling scaling = Scaling.NONE;
        JsonNode scale = node.get("scale");
        if (scale != null) {
            String sp = pointer + "/scale";
            if (requireObject(scale, sp, "the scaling { \"factor\": 0.1, \"offset\": 0 }")) {
                unknownFields(scale, sp, SCALE_FIELDS);
                double factor = number(scale, sp, "factor", 1);
                double off = number(scale, sp, "offset", 0);
                if (factor == 0) {
                    problem(sp + "/factor", fieldPath(sp + "/factor"), "0 would make every value 0: use a non-zero factor");
                }
                if (type == DataType.BOOL) {
                    problem(sp, fieldPath(sp), "a bool is not scaled: remove the scale");
                }
                scaling = new Scaling(factor, off);
            }
        }
        int pollMs = integer(node, pointer, "pollMs", DEFAULT_POLL_MS, MIN_POLL_MS, MAX_POLL_MS);
        String unit = text(node, pointer, "unit", "");
        String description = text(node, pointer, "description", "");
        if (problems.size() > before) {
            return null;
        }
        return new Tag(name, plc, area, offset, type, scaling, pollMs, unit, description);
    }

    private String name(JsonNode node, String pointer) {
        String name = text(node, pointer, "name", null);
        if (name != null && name.isBlank()) {
            problem(pointer + "/name", fieldPath(pointer + "/name"), "empty: give a name");
        } else if (name != null && (name.length() > MAX_NAME || !name.strip().equals(name))) {
            problem(pointer + "/name", fieldPath(pointer + "/name"),
                    "must be 1 to " + MAX_NAME + " characters without leading or trailing spaces");
        }
        return name;
    }

    private boolean requireObject(JsonNode node, String pointer, String what) {
        if (node.isObject()) {
            return true;
        }
        problem(pointer, fieldPath(pointer), "must be " + what + " as a JSON object { ... }");
        return false;
    }

    private void unknownFields(JsonNode node, String pointer, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!known.contains(f)) {
                problem(pointer + "/" + f, fieldPath(pointer + "/" + f),
                        "unknown field: the fields here are " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    /** A string field; {@code fallback} null means it is required. */
    private String text(JsonNode node, String pointer, String name, String fallback) {
        JsonNode v = node.get(name);
        String p = pointer + "/" + name;
        if (v == null) {
            if (fallback == null) {
                problem(pointer, fieldPath(p), "missing: it is required");
            }
            return fallback;
        }
        if (!v.isTextual()) {
            problem(p, fieldPath(p), "must be a string in quotes, not " + v);
            return fallback;
        }
        return v.textValue();
    }

    /** An integer field; {@code fallback} null means it is required (0 is returned then). */
    private int integer(JsonNode node, String pointer, String name, Integer fallback, int min, int max) {
        JsonNode v = node.get(name);
        String p = pointer + "/" + name;
        if (v == null) {
            if (fallback == null) {
                problem(pointer, fieldPath(p), "missing: it is required (" + min + " to " + max + ")");
                return 0;
            }
            return fallback;
        }
        if (!v.isIntegralNumber() || v.longValue() < min || v.longValue() > max) {
            problem(p, fieldPath(p), v + " is not a whole number from " + min + " to " + max);
            return fallback == null ? 0 : fallback;
        }
        return v.intValue();
    }

    private double number(JsonNode node, String pointer, String name, double fallback) {
        JsonNode v = node.get(name);
        String p = pointer + "/" + name;
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            problem(p, fieldPath(p), v + " is not a number");
            return fallback;
        }
        return v.doubleValue();
    }

    private int line(String pointer) {
        JsonLocation l = json.location(pointer);
        return l == null ? 0 : l.getLineNr();
    }

    private void problem(String pointer, String field, String message) {
        JsonLocation l = json == null ? null : json.location(pointer);
        problems.add(new ProjectProblem(file, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(), field,
                message));
    }

    /** "/tags/3/scale/factor" as "tags[3].scale.factor". */
    static String fieldPath(String pointer) {
        StringBuilder s = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            part = part.replace("~1", "/").replace("~0", "~");
            if (part.chars().allMatch(Character::isDigit)) {
                s.append('[').append(part).append(']');
            } else {
                if (s.length() > 0) {
                    s.append('.');
                }
                s.append(part);
            }
        }
        return s.toString();
    }
}
