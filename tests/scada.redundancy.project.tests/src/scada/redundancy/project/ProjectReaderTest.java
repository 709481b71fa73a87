package scada.redundancy.project;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.Test;

/**
 * The project reader: the shipped sample reads as documented, and every kind of mistake is
 * reported with the file, line and field where it is, all of them at once.
 */
public class ProjectReaderTest {
    private static final String PROJECT = """
            {
              "name": "t",
              "version": "1",
              "plcs": [
                { "name": "p1", "host": "127.0.0.1", "port": 5020 },
                { "name": "p2", "host": "127.0.0.1", "unitId": 7 }
              ]
            }
            """;

    @Test
    public void theSampleProjectReadsAsDocumented() throws Exception {
        Project p = ProjectReader.read(ProjectFiles.sample());
        assertEquals("plant", p.name());
        assertEquals("1.0.0", p.version());
        assertEquals(1, p.plcs().size());
        Plc plc = p.plcs().get(0);
        assertEquals(new Plc("boiler-plc", "127.0.0.1", 5020, 1, 1000, 500), plc);
        assertEquals(10, p.tags().size());
        assertEquals(10, p.tagsOf(plc).size());
        Tag pressure = p.tag("boiler/pressure").orElseThrow();
        assertEquals(Area.HOLDING_REGISTER, pressure.area());
        assertEquals(2, pressure.offset());
        assertEquals(DataType.INT16, pressure.type());
        assertEquals(new Scaling(0.01, 0), pressure.scaling());
        assertEquals("bar", pressure.unit());
        assertEquals(500, pressure.pollMs());
        Tag burner = p.tag("boiler/burner-on").orElseThrow();
        assertEquals("a coil's type defaults to bool", DataType.BOOL, burner.type());
        assertEquals(Scaling.NONE, burner.scaling());
        assertEquals("int32 takes two registers", 2, p.tag("line/count").orElseThrow().span());
        assertEquals(1000, p.tag("line/count").orElseThrow().pollMs());
        assertEquals(ProjectFingerprint.of(ProjectFiles.sample()), p.fingerprint());
    }

    @Test
    public void defaultsApplyToOmittedPlcFields() throws Exception {
        Path dir = project(PROJECT, "tags/a.json", """
                { "tags": [ { "name": "x", "plc": "p2", "area": "input-register", "offset": 3, "type": "uint16" } ] }
                """);
        Project p = ProjectReader.read(dir);
        assertEquals(new Plc("p2", "127.0.0.1", 502, 7, 2000, 1000), p.plcs().get(1));
        assertEquals(1000, p.tags().get(0).pollMs());
    }

    @Test
    public void malformedJsonNamesItsLineAndColumn() throws Exception {
        Path dir = project(PROJECT, "tags/a.json", "{ \"tags\": [\n  { \"name\": \"x\",\n    \"plc\" \"p1\" }\n] }\n");
        ProjectProblem p = single(dir);
        assertEquals("tags/a.json", p.file());
        assertEquals(3, p.line());
        assertTrue(p.column() > 0);
        assertTrue(p.message(), p.message().startsWith("not valid JSON"));
    }

    @Test
    public void eachFieldMistakeNamesFileLineAndField() throws Exception {
        Path dir = project(PROJECT, "tags/a.json", """
                { "tags": [
                  { "name": "ok", "plc": "p1", "area": "holding-register", "offset": 0, "type": "int16" },
                  { "name": "badArea", "plc": "p1", "area": "holdng-register", "offset": 0, "type": "int16" },
                  { "name": "coilInt", "plc": "p1", "area": "coil", "offset": 0, "type": "int16" },
                  { "name": "tooFar", "plc": "p1", "area": "holding-register", "offset": 65535, "type": "float32" },
                  { "name": "negative", "plc": "p1", "area": "input-register", "offset": -1, "type": "uint16" },
                  { "name": "noPlc", "plc": "p9", "area": "coil", "offset": 0 },
                  { "name": "typo", "plc": "p1", "area": "coil", "ofset": 0 },
                  { "name": "zeroScale", "plc": "p1", "area": "holding-register", "offset": 9, "type": "int16",
                    "scale": { "factor": 0 } },
                  { "name": "fastPoll", "plc": "p1", "area": "coil", "offset": 1, "pollMs": 5 },
                  { "name": "badType", "plc": "p1", "area": "holding-register", "offset": 0, "type": "double" }
                ] }
                """);
        List<ProjectProblem> problems = problems(dir);
        assertProblem(problems, "tags/a.json", 3, "tags[1].area", "is not a Modbus area");
        assertProblem(problems, "tags/a.json", 4, "tags[2].type", "holds one bit");
        assertProblem(problems, "tags/a.json", 5, "tags[3].offset", "would run past register 65535");
        assertProblem(problems, "tags/a.json", 6, "tags[4].offset", "-1 is not a whole number from 0 to 65535");
        assertProblem(problems, "tags/a.json", 7, "tags[5].plc", "no PLC 'p9'");
        assertProblem(problems, "tags/a.json", 8, "tags[6].ofset", "unknown field");
        assertProblem(problems, "tags/a.json", 8, "tags[6].offset", "missing");
        assertProblem(problems, "tags/a.json", 10, "tags[7].scale.factor", "non-zero factor");
        assertProblem(problems, "tags/a.json", 11, "tags[8].pollMs", "from 50 to 3600000");
        assertProblem(problems, "tags/a.json", 12, "tags[9].type", "is not a data type");
        assertEquals(describe(problems), 10, problems.size());
    }

    @Test
    public void aDuplicateTagNamesBothPlaces() throws Exception {
        Path dir = project(PROJECT, "tags/a.json", """
                { "tags": [
                  { "name": "same", "plc": "p1", "area": "coil", "offset": 0 }
                ] }
                """);
        ProjectFiles.write(dir, "tags/b.json", """
                { "tags": [
                  { "name": "other", "plc": "p1", "area": "coil", "offset": 1 },
                  { "name": "same", "plc": "p1", "area": "coil", "offset": 2 }
                ] }
                """);
        ProjectProblem p = single(dir);
        assertEquals("tags/b.json", p.file());
        assertEquals(3, p.line());
        assertEquals("tags[1].name", p.field());
        assertTrue(p.message(), p.message().contains("already defined at tags/a.json:2"));
    }

    @Test
    public void projectFileMistakesNameTheirLineAndField() throws Exception {
        Path dir = project("""
                {
                  "name": "t",
                  "plcs": [
                    { "name": "p1", "host": "h", "port": 70000 },
                    { "name": "p1", "host": "h" },
                    { "name": "p3", "host": "h", "unitId": "one" }
                  ]
                }
                """, "tags/a.json", "{ \"tags\": [] }");
        List<ProjectProblem> problems = problems(dir);
        assertProblem(problems, "project.json", 1, "version", "missing");
        assertProblem(problems, "project.json", 4, "plcs[0].port", "70000 is not a whole number from 1 to 65535");
        assertProblem(problems, "project.json", 5, "plcs[1].name", "defined twice");
        assertProblem(problems, "project.json", 6, "plcs[2].unitId", "is not a whole number");
        assertEquals(describe(problems), 4, problems.size());
    }

    @Test
    public void aMissingProjectFileIsNamed() throws Exception {
        Path dir = Files.createTempDirectory("duplex-project-");
        ProjectProblem p = single(dir);
        assertEquals("project.json", p.file());
        assertTrue(p.message(), p.message().startsWith("missing"));
        assertTrue(p.toString(), p.toString().startsWith("project.json: missing"));
    }

    @Test
    public void theExceptionMessageListsEveryProblemWithItsPlace() throws Exception {
        Path dir = project(PROJECT, "tags/a.json", """
                { "tags": [ { "name": "a", "plc": "p1", "area": "kettle", "offset": 0 } ] }
                """);
        try {
            ProjectReader.read(dir);
            fail("a bad area must be refused");
        } catch (ProjectException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("tags/a.json:1:") && e.getMessage().contains("tags[0].area: 'kettle'"));
        }
    }

    private static Path project(String projectJson, String tagFile, String tags) throws IOException {
        Path dir = Files.createTempDirectory("duplex-project-");
        ProjectFiles.write(dir, "project.json", projectJson);
        ProjectFiles.write(dir, tagFile, tags);
        return dir;
    }

    private static List<ProjectProblem> problems(Path dir) {
        try {
            ProjectReader.read(dir);
        } catch (ProjectException e) {
            return e.problems();
        }
        throw new AssertionError("the project in " + dir + " was accepted");
    }

    private static ProjectProblem single(Path dir) {
        List<ProjectProblem> problems = problems(dir);
        assertEquals(describe(problems), 1, problems.size());
        return problems.get(0);
    }

    private static void assertProblem(List<ProjectProblem> problems, String file, int line, String field, String text) {
        for (ProjectProblem p : problems) {
            if (p.file().equals(file) && p.line() == line && p.field().equals(field) && p.message().contains(text)) {
                return;
            }
        }
        fail("no problem " + file + ":" + line + " " + field + " '" + text + "' among:\n" + describe(problems));
    }

    private static String describe(List<ProjectProblem> problems) {
        return problems.stream().map(ProjectProblem::toString).collect(Collectors.joining("\n"));
    }
}
