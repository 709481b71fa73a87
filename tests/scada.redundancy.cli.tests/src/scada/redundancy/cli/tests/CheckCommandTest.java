package scada.redundancy.cli.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import scada.redundancy.cli.DuplexCommand;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;

/** {@code scada-redundancy check}: the operator's configuration test, like {@code nginx -t}. */
public class CheckCommandTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int check(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "check";
        System.arraycopy(args, 0, all, 1, args.length);
        return DuplexCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
    }

    private Path write(RedundancyConfiguration c) throws Exception {
        Path file = temp.newFile("redundancy.scadaredundancy").toPath();
        ConfigurationFile.write(c, file);
        return file;
    }

    private static RedundancyConfiguration valid() {
        return new RedundancyConfiguration(LocalServer.defaults().withSymbol("SCADA-A"),
                List.of(Partner.defaults(1, "SCADA-B", "127.0.0.2", 8000)));
    }

    @Test
    public void theServerRefusesAHeapItCannotUseAndPassesTheOneGiven() throws Exception {
        Path file = write(valid());
        for (String heap : new String[] { "12", "64M", "1.5G", "lots" }) {
            StringWriter e = new StringWriter();
            int code = DuplexCommand.run(new PrintWriter(out, true), new PrintWriter(e, true), "server", "--config",
                    file.toString(), "--bind", "127.0.0.1", "--heap", heap);
            assertEquals(heap, 2, code);
            assertTrue(e.toString(), e.toString().contains("--heap " + heap + ": give a size of at least 128M"));
        }
        Path product = scada.redundancy.cli.harness.ServerProcess.product();
        Assume.assumeTrue("the server product is built", Files.isDirectory(product));
        String before = System.getProperty("duplex.product");
        System.setProperty("duplex.product", product.toString());
        try {
            for (String[] heap : new String[][] { {}, { "--heap", "2G" } }) {
                StringWriter launch = new StringWriter();
                List<String> args = new java.util.ArrayList<>(List.of("server", "--config", file.toString(), "--bind",
                        "127.0.0.1", "--data", temp.newFolder().toString(), "--launch-command"));
                args.addAll(List.of(heap));
                assertEquals(err.toString(), 0, DuplexCommand.run(new PrintWriter(launch, true), new PrintWriter(err, true),
                        args.toArray(String[]::new)));
                List<String> line = List.of(launch.toString().split("\0"));
                assertTrue(line.toString(), line.contains(heap.length == 0 ? "-Xmx256m" : "-Xmx2g"));
            }
        } finally {
            if (before == null) {
                System.clearProperty("duplex.product");
            } else {
                System.setProperty("duplex.product", before);
            }
        }
    }

    @Test
    public void theServerRefusesAnInvalidFileWithTheSameLinesAsCheck() throws Exception {
        Path file = write(valid().withPartner(0, valid().partners().get(0).withTimeoutMs(1500)));
        int code = DuplexCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), "server", "--config",
                file.toString(), "--bind", "127.0.0.1");
        assertEquals(1, code);
        String text = err.toString();
        assertTrue(text, text.contains(file + ":20:20: error: partners[0].timeoutMs: Timeout 1500 ms"));
        assertTrue(text, text.contains(file + ": the server does not start with a configuration that has errors"));
        check(file.toString());
        assertTrue("check prints the same line:\n" + out, out.toString().contains(file + ":20:20: error: partners[0].timeoutMs"));
    }

    @Test
    public void aValidFileExitsZeroAndSaysSo() throws Exception {
        assertEquals(0, check(write(valid()).toString()));
        assertTrue(out.toString(), out.toString().contains("0 errors, 0 warnings: the configuration is valid"));
    }

    @Test
    public void warningsAloneStillExitZero() throws Exception {
        Path file = write(valid().withPartner(0, valid().partners().get(0).withTimeoutMs(2500)));
        assertEquals(0, check(file.toString()));
        assertTrue(out.toString(), out.toString().contains("warning: partners[0].timeoutMs"));
    }

    @Test
    public void anErrorExitsOneWithLineFieldAndFix() throws Exception {
        Path file = write(valid().withPartner(0, valid().partners().get(0).withPort(8001)));
        assertEquals(1, check(file.toString()));
        // line 18 of the stable layout holds the first partner's port
        assertTrue(out.toString(), out.toString().contains(file + ":18:15: error: partners[0].port: Port 8001"));
        assertTrue(out.toString(), out.toString().contains("Fix: Use the local port."));
        assertTrue(out.toString(), out.toString().contains("1 error, 0 warnings: the configuration is NOT valid"));
    }

    @Test
    public void anUnreadableFileExitsOneWithItsLine() throws Exception {
        Path file = temp.newFile("bad.scadaredundancy").toPath();
        Files.write(file, "{\"format\": 1,\n\"thisScada\": {\"port\": true}}".getBytes(StandardCharsets.UTF_8));
        assertEquals(1, check(file.toString()));
        assertTrue(out.toString(), out.toString().contains(file + ":2:23: error: thisScada.port: must be a whole number, found true"));
    }

    @Test
    public void aMissingFileExitsOneNamingIt() throws Exception {
        Path file = temp.getRoot().toPath().resolve("nowhere.scadaredundancy");
        assertEquals(1, check(file.toString()));
        assertTrue(out.toString(), out.toString().contains(file.toString()));
    }

    /** Before, the size check read 0 for a device and the read ended after seconds in an OutOfMemoryError. */
    @Test(timeout = 30_000) // a hang guard only
    public void aDeviceIsRefusedAtOnceWithASentenceAndNoStackTrace() {
        Assume.assumeTrue(Files.exists(Path.of("/dev/zero")));
        assertEquals(1, check("/dev/zero"));
        assertEquals("/dev/zero: error: not a regular file (a device); a configuration must be a plain file\n"
                + "/dev/zero: cannot be read; nothing was checked\n", out.toString());
        assertEquals("", err.toString());
    }

    @Test(timeout = 30_000) // a hang guard only
    public void theServerRefusesADeviceAsItsConfigurationTheSameWay() {
        Assume.assumeTrue(Files.exists(Path.of("/dev/urandom")));
        int code = DuplexCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), "server", "--config",
                "/dev/urandom", "--bind", "127.0.0.1", "--data", temp.getRoot().toString());
        assertEquals(1, code);
        assertEquals("/dev/urandom: error: not a regular file (a device); a configuration must be a plain file\n",
                err.toString());
    }

    @Test(timeout = 30_000) // a hang guard only: opening a FIFO no one writes to would block for ever
    public void aNamedPipeIsRefusedWithoutWaitingForAWriter() throws Exception {
        Path fifo = temp.getRoot().toPath().resolve("pipe.scadaredundancy");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        assertEquals(1, check(fifo.toString()));
        assertTrue(out.toString(), out.toString().startsWith(
                fifo + ": error: not a regular file (a named pipe); a configuration must be a plain file"));
    }

    @Test
    public void bindFindsAPartnerThatPointsAtThisServer() throws Exception {
        Path file = write(valid());
        assertEquals(0, check("--bind", "127.0.0.1", file.toString()));
        assertEquals(1, check("--bind", "127.0.0.2", file.toString()));
        assertTrue(out.toString(), out.toString().contains("is this server itself"));
    }

    @Test
    public void aBadBindAddressIsAUsageError() throws Exception {
        assertEquals(2, check("--bind", "server-a", write(valid()).toString()));
        assertTrue(err.toString(), err.toString().contains("--bind server-a: not an IP address"));
    }

    @Test
    public void theWorstResultOfSeveralFilesIsTheExitCode() throws Exception {
        Path good = write(valid());
        Path bad = temp.newFile("empty.scadaredundancy").toPath();
        assertEquals(1, check(good.toString(), bad.toString()));
    }
}
