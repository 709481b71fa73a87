package scada.redundancy.ui.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IMarkerResolution;
import org.eclipse.ui.ide.IDE;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.ui.internal.ProblemMarkers;

/** Problems of configuration files appear as markers without any editor open, with lines and quick fixes. */
public class ProblemMarkersTest {
    private IProject project;

    @Before
    public void project() throws Exception {
        project = ResourcesPlugin.getWorkspace().getRoot().getProject("markers");
        if (!project.exists()) {
            project.create(null);
        }
        project.open(null);
    }

    @After
    public void delete() throws Exception {
        project.delete(true, true, null);
    }

    /** Waits (bounded) until the marker jobs have run; the listener is registered by the workbench's early startup. */
    private static IMarker[] markers(IFile file, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        IMarker[] found = new IMarker[0];
        while (System.nanoTime() < deadline) {
            Job.getJobManager().join(ProblemMarkers.FAMILY, null);
            while (Display.getCurrent().readAndDispatch()) {
                // let early startup and the jobs' UI work run
            }
            found = file.findMarkers(ProblemMarkers.MARKER, false, IResource.DEPTH_ZERO);
            if (found.length == expected) {
                return found;
            }
            Job.getJobManager().join(ProblemMarkers.FAMILY, null);
            Display.getCurrent().sleep(); // woken by the next UI event or job
        }
        return found;
    }

    private IFile write(String name, byte[] bytes) throws Exception {
        IFile file = project.getFile(name);
        file.create(new ByteArrayInputStream(bytes), true, null);
        return file;
    }

    @Test
    public void aRuleViolationBecomesAMarkerOnItsLineAndItsQuickFixRepairsTheFile() throws Exception {
        RedundancyConfiguration bad = new RedundancyConfiguration(LocalServer.defaults().withSymbol("SCADA-A"),
                List.of(Partner.defaults(1, "SCADA-B", "192.168.1.11", 8000).withTimeoutMs(1500)));
        IFile file = write("redundancy.scadaredundancy", ConfigurationFile.toBytes(bad));
        IMarker[] found = markers(file, 1);
        assertEquals(1, found.length);
        IMarker m = found[0];
        assertEquals(IMarker.SEVERITY_ERROR, m.getAttribute(IMarker.SEVERITY, -1));
        assertEquals(20, m.getAttribute(IMarker.LINE_NUMBER, -1)); // "timeoutMs" of the first partner in the stable layout
        assertTrue(m.getAttribute(IMarker.MESSAGE, ""), m.getAttribute(IMarker.MESSAGE, "").contains("Set Timeout to 3000 ms"));
        IMarkerResolution[] fixes = IDE.getMarkerHelpRegistry().getResolutions(m);
        assertEquals(1, fixes.length);
        assertEquals("Set Timeout to 3000 ms (3 x Period)", fixes[0].getLabel());
        fixes[0].run(m);
        assertEquals(0, markers(file, 0).length);
        try (InputStream in = file.getContents(true)) {
            assertEquals(3000, ConfigurationFile.parse(in.readAllBytes(), "f").configuration().partners().get(0).timeoutMs());
        }
    }

    @Test
    public void openingAProblemShowsItsRowInTheEditor() throws Exception {
        RedundancyConfiguration bad = new RedundancyConfiguration(LocalServer.defaults().withSymbol("SCADA-A"),
                List.of(Partner.defaults(1, "SCADA-B", "192.168.1.11", 8000),
                        Partner.defaults(2, "SCADA-C", "192.168.1.12", 8001))); // the second row's port is wrong
        IFile file = write("redundancy.scadaredundancy", ConfigurationFile.toBytes(bad));
        IMarker[] found = markers(file, 1);
        assertEquals(1, found[0].getAttribute(ProblemMarkers.PARTNER_INDEX, -1));
        // What a double-click in the Problems view does.
        org.eclipse.ui.IEditorPart part = IDE.openEditor(
                org.eclipse.ui.PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage(), found[0]);
        assertTrue(part instanceof scada.redundancy.ui.internal.RedundancyEditor);
        var editor = (scada.redundancy.ui.internal.RedundancyEditor) part;
        assertEquals(List.of(1), editor.partnersTable().viewer().getStructuredSelection().toList());
        org.eclipse.ui.PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage().closeAllEditors(false);
    }

    @Test
    public void anUnreadableFileIsOneErrorOnTheReadersLine() throws Exception {
        IFile file = write("broken.scadaredundancy", "{\"format\": 1,\n\"thisScada\": {\n\"port\": true}}".getBytes());
        IMarker[] found = markers(file, 1);
        assertEquals(1, found.length);
        assertEquals(3, found[0].getAttribute(IMarker.LINE_NUMBER, -1));
        assertTrue(found[0].getAttribute(IMarker.MESSAGE, ""), found[0].getAttribute(IMarker.MESSAGE, "").contains("thisScada.port"));
    }
}
