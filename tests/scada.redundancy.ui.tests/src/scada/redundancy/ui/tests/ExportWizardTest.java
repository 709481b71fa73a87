package scada.redundancy.ui.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.wizards.IWizardDescriptor;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.deploy.DeployResult;
import scada.redundancy.runtime.link.Fingerprints;
import scada.redundancy.runtime.link.LinkProtocol;
import scada.redundancy.ui.internal.ExportConfigurationWizard;

/**
 * File > Export > SCADA > Redundancy Configuration in a real workbench: a three-server
 * configuration in a SCADA project exported as a folder per server; the files are checked.
 */
public class ExportWizardTest {
    private static final String FP_A = "a1".repeat(32);
    private static final String FP_B = "b2".repeat(32);
    private static final String FP_C = "c3".repeat(32);
    private IProject project;
    private WizardDialog dialog;

    @Before
    public void projectWithThePlantAndAConfiguration() throws Exception {
        project = ResourcesPlugin.getWorkspace().getRoot().getProject("export-plant");
        if (project.exists()) {
            project.delete(true, true, null);
        }
        project.create(null);
        project.open(null);
        Path plant = examplesPlant();
        try (Stream<Path> walk = Files.walk(plant)) {
            for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                Path target = project.getLocation().toFile().toPath().resolve(plant.relativize(f));
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        RedundancyConfiguration three = new RedundancyConfiguration(
                new LocalServer("SCADA-A", 8000, true, false, "", "control room", Failback.MANUAL, 3000),
                List.of(new Partner(1, "SCADA-B", "192.168.1.11", 8000, 1000, 3000, 3, true, "hall 2", FP_B),
                        new Partner(2, "SCADA-C", "192.168.1.12", 8000, 1000, 3000, 3, true, "hall 3", FP_C)));
        project.getFile(ConfigurationFile.DEFAULT_FILE_NAME).create(new ByteArrayInputStream(ConfigurationFile.toBytes(three)),
                true, null);
        project.refreshLocal(IProject.DEPTH_INFINITE, null);
    }

    @After
    public void close() throws Exception {
        if (dialog != null) {
            dialog.close();
        }
        project.delete(true, true, null);
    }

    @Test
    public void theWizardIsUnderFileExportScada() {
        IWizardDescriptor d = PlatformUI.getWorkbench().getExportWizardRegistry()
                .findWizard("scada.redundancy.ui.exportConfiguration");
        assertEquals("Redundancy Configuration", d.getLabel());
        assertEquals("SCADA", d.getCategory().getLabel());
    }

    @Test
    public void threeServersAreExportedAsAFolderEachWithTheProjectAndAManifest() throws Exception {
        IFile config = project.getFile(ConfigurationFile.DEFAULT_FILE_NAME);
        ExportConfigurationWizard wizard = new ExportConfigurationWizard();
        dialog = ExportWizards.open(wizard, config);

        // Without This SCADA's address there are no views, and the page says what to give
        assertFalse(wizard.sourcePage().isPageComplete());
        assertTrue(wizard.sourcePage().getErrorMessage(), wizard.sourcePage().getErrorMessage().contains("SCADA-A"));

        Path projectDir = project.getLocation().toFile().toPath();
        wizard.sourcePage().set(config.getLocation().toFile().toPath(), "192.168.1.10", FP_A, projectDir);
        UiWait.process();
        assertNull(wizard.sourcePage().getErrorMessage());
        assertEquals("one row per server", 3, wizard.sourcePage().viewsTable().getTable().getItemCount());
        assertEquals("SCADA-B", wizard.sourcePage().viewsTable().getTable().getItem(1).getText(0));
        assertEquals("SCADA-A, SCADA-C", wizard.sourcePage().viewsTable().getTable().getItem(1).getText(2));
        assertEquals("none", wizard.sourcePage().viewsTable().getTable().getItem(1).getText(3));

        Path out = Files.createTempDirectory("duplex-export");
        dialog.showPage(wizard.destinationPage());
        wizard.destinationPage().writeFolders(out);
        UiWait.process();
        assertTrue(wizard.canFinish());
        assertFalse("the wizard stays open on the results", wizard.performFinish());
        UiWait.process();
        assertEquals(wizard.resultsPage(), dialog.getCurrentPage());
        List<DeployResult> results = wizard.resultsPage().results();
        assertEquals(3, results.size());
        assertTrue(results.toString(), results.stream().allMatch(r -> r.outcome() == DeployResult.Outcome.APPLIED));
        assertEquals(3, wizard.resultsPage().table().getTable().getItemCount());

        Map<String, String> address = Map.of("SCADA-A", "192.168.1.10", "SCADA-B", "192.168.1.11", "SCADA-C", "192.168.1.12");
        Map<String, String> certificate = Map.of("SCADA-A", FP_A, "SCADA-B", FP_B, "SCADA-C", FP_C);
        JsonNode manifest = LinkProtocol.json().readTree(out.resolve("manifest.json").toFile());
        assertEquals(3, manifest.get("servers").size());
        for (int i = 0; i < 3; i++) {
            String symbol = List.of("SCADA-A", "SCADA-B", "SCADA-C").get(i);
            Path folder = out.resolve(symbol);
            RedundancyConfiguration view = ConfigurationFile.read(folder.resolve(ConfigurationFile.DEFAULT_FILE_NAME));
            assertEquals(symbol, view.thisScada().symbol());
            assertEquals(2, view.partners().size());
            for (Partner p : view.partners()) {
                assertEquals(address.get(p.symbol()), p.ipAddress());
                assertEquals(certificate.get(p.symbol()), p.certificateSha256());
                assertEquals(8000, p.port());
            }
            Path deployedProject = folder.resolve("project");
            assertTrue(Files.isRegularFile(deployedProject.resolve("project.json")));
            assertTrue(Files.isRegularFile(deployedProject.resolve("tags/boiler.json")));
            assertFalse("the studio's metadata is not deployed", Files.exists(deployedProject.resolve(".project")));
            assertFalse("nor the edited configuration", Files.exists(deployedProject.resolve(ConfigurationFile.DEFAULT_FILE_NAME)));
            JsonNode entry = manifest.get("servers").get(i);
            assertEquals(symbol, entry.get("symbol").asText());
            assertEquals(address.get(symbol), entry.get("address").asText());
            assertEquals("the manifest's project fingerprint is the runtime's for the deployed folder",
                    Fingerprints.ofProject(deployedProject), entry.get("projectFingerprint").asText());
            assertEquals(Fingerprints.sha256(Files.readAllBytes(folder.resolve(ConfigurationFile.DEFAULT_FILE_NAME))),
                    entry.get("configurationSha256").asText());
        }
        assertTrue("Finish on the results closes", wizard.performFinish());
    }

    private static Path examplesPlant() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("examples/plant"))) {
                return d.resolve("examples/plant");
            }
        }
        throw new IllegalStateException("examples/plant not found above " + Path.of("").toAbsolutePath());
    }
}
