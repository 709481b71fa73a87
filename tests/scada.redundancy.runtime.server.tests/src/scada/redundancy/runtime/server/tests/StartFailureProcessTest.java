package scada.redundancy.runtime.server.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import scada.redundancy.cli.harness.ServerProcess;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.tls.LinkIdentity;

/**
 * A server process that cannot do its job does not look alive: with its port taken it writes the
 * ERROR and the process ends with exit code 3, by stopping the framework (the launcher owns the
 * process and its exit code; the component no longer halts the JVM).
 */
public class StartFailureProcessTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test(timeout = 120_000)
    public void aTakenPortEndsTheProcessWithTheErrorAndExitCode3() throws Exception {
        Path product = ServerProcess.product();
        Path dir = temp.newFolder().toPath();
        Path data = dir.resolve("data");
        String partnerFingerprint = LinkIdentity.loadOrCreate(dir.resolve("partner"), "SCADA-B").fingerprint();
        try (ServerSocket squatter = new ServerSocket(0, 5, InetAddress.getByName("127.0.1.5"))) {
            int port = squatter.getLocalPort();
            Path config = dir.resolve("SCADA-A.scadaredundancy");
            ConfigurationFile.write(new RedundancyConfiguration(new LocalServer("SCADA-A", port, true, false, "", "",
                    Failback.MANUAL, LocalServer.DEFAULT_STARTUP_ALLOWANCE_MS), List.of(new Partner(1, "SCADA-B",
                            "127.0.1.6", port, 200, 600, 3, true, "", partnerFingerprint))), config);

            // The launch command exactly as ./scada-redundancy server gets it.
            List<String> cli = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dduplex.product=" + product, "-cp", product.resolve("plugins") + "/*",
                    "scada.redundancy.cli.DuplexCommand", "server", "--launch-command", "--config=" + config,
                    "--bind=127.0.1.5", "--data=" + data));
            Process command = new ProcessBuilder(cli).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String launch = new String(command.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(command.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, command.exitValue());

            Path log = dir.resolve("server.log");
            Process server = new ProcessBuilder(List.of(launch.split("\0"))).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                assertTrue("the server with a taken port still runs after 60 s", server.waitFor(60, TimeUnit.SECONDS));
                String text = Files.readString(log);
                assertEquals(text, 3, server.exitValue());
                assertTrue(text, text.contains(" ERROR the redundancy service could not start: cannot listen on 127.0.1.5:"
                        + port + ": "));
                assertTrue("no stack trace: " + text, !text.contains("\tat "));
            } finally {
                server.destroyForcibly();
            }
        }
    }
}
