package scada.redundancy.ui.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static scada.redundancy.ui.tests.UiWait.until;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.ide.IDE;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.ui.internal.RedundancyEditor;

/**
 * The editor's status columns follow real runtime servers (three processes on 127.0.2.1-3), and
 * Try To Connect and Verify run from the studio against them.
 */
public class LiveStatusTest {
    private RedundancySet set;
    private IProject project;
    private RedundancyEditor editor;
    private Path dir;

    @Before
    public void start() throws Exception {
        dir = Files.createTempDirectory("duplex-ui-live-");
        set = new RedundancySet(dir, 3, 200, 600, 3, null, List.of()).startAll();
        set.awaitStable(Duration.ofSeconds(60));
        project = ResourcesPlugin.getWorkspace().getRoot().getProject("live");
        if (!project.exists()) {
            project.create(null);
        }
        project.open(null);
        IFile file = project.getFile(ConfigurationFile.DEFAULT_FILE_NAME);
        file.create(new ByteArrayInputStream(Files.readAllBytes(set.config(0))), true, null);
        editor = (RedundancyEditor) IDE.openEditor(PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage(), file,
                RedundancyEditor.ID);
        editor.connectRuntime(set.address(0) + ":" + set.port(), set.server(0).data());
    }

    @After
    public void stop() throws Exception {
        PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage().closeAllEditors(false);
        project.delete(true, true, null);
        set.close();
    }

    private String cell(boolean thisScada, int row, String title) {
        var table = (thisScada ? editor.thisScadaTable() : editor.partnersTable()).viewer().getTable();
        TableColumn[] cols = table.getColumns();
        for (int i = 0; i < cols.length; i++) {
            if (cols[i].getText().equals(title)) {
                return table.getItem(row).getText(i);
            }
        }
        throw new AssertionError("no column " + title);
    }

    @Test
    public void statusColumnsFollowTheRuntimeAndTheStudioTriesAndVerifies() throws Exception {
        until("both partners connected", () -> cell(false, 0, "Connected").startsWith("yes")
                && cell(false, 1, "Connected").startsWith("yes"));
        assertEquals("2/2", cell(true, 0, "Connected Server"));
        assertTrue(cell(true, 0, "Is Primary"), cell(true, 0, "Is Primary").contains("term"));
        // This SCADA's Database: the setting, then what the runtime's DB sync says of its store.
        until("the runtime's history store shown", () -> cell(true, 0, "Database").contains("H2 file")
                && cell(true, 0, "Database").contains("reachable"));
        screenshot();

        editor.verify(0).join();
        assertTrue(editor.lastActionResult(), editor.lastActionResult().contains("SCADA-B: Verified"));
        editor.tryToConnect(1).join();
        assertTrue(editor.lastActionResult(), editor.lastActionResult().startsWith("SCADA-C: connected to SCADA-C"));
        editor.tryToConnectThisScada().join();
        assertTrue(editor.lastActionResult(), editor.lastActionResult().startsWith("SCADA-A at " + set.address(0) + ":" + set.port() + ": connected to SCADA-A"));

        set.server(2).kill();
        until("SCADA-C shown disconnected", () -> cell(false, 1, "Connected").startsWith("no"));
        editor.tryToConnect(1).join();
        assertTrue(editor.lastActionResult(), editor.lastActionResult().contains("NOT connected (refused)"));

        set.server(0).kill();
        until("the lost runtime is shown", () -> cell(false, 0, "Connected").startsWith("runtime connection lost"));
    }

    /** The README's picture of the editor: the real workbench window, saved under target/. */
    private void screenshot() {
        Display d = Display.getCurrent();
        Shell shell = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell();
        var page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        page.setPartState(page.getReference(editor), org.eclipse.ui.IWorkbenchPage.STATE_MAXIMIZED); // every column in view
        shell.setSize(1900, 500); // the test command's virtual screen is 1920x1080
        shell.layout(true, true);
        // Paint what is queued (bounded: the runtime's status keeps arriving, so the queue need never be
        // empty for long on a loaded machine); the picture is for the README, not a behaviour under test.
        long paintUntil = System.nanoTime() + 2_000_000_000L;
        while (d.readAndDispatch() && System.nanoTime() < paintUntil) {
            // dispatching
        }
        Image image = new Image(d, shell.getBounds().width, shell.getBounds().height);
        GC gc = new GC(d);
        gc.copyArea(image, shell.getBounds().x, shell.getBounds().y);
        gc.dispose();
        ImageLoader loader = new ImageLoader();
        loader.data = new org.eclipse.swt.graphics.ImageData[] { image.getImageData() };
        loader.save("target/redundancy-editor.png", SWT.IMAGE_PNG);
        image.dispose();
    }
}
