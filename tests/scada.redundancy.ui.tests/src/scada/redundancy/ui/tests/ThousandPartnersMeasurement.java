package scada.redundancy.ui.tests;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.swt.widgets.Display;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.ide.IDE;
import org.junit.Test;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.ui.internal.RedundancyEditor;

/**
 * Measures (prints, never asserts) opening and saving a configuration of 1,000 partners in the
 * editor, five times each; writes target/editor-1000-partners.json. Goal: under 1 s each.
 */
public class ThousandPartnersMeasurement {

    @Test
    public void openAndSaveAThousandPartners() throws Exception {
        List<Partner> partners = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            partners.add(Partner.defaults(i + 1, "SCADA-" + (i + 1), "10." + (i / 250) + "." + (i % 250) + ".1", 8000));
        }
        RedundancyConfiguration big = new RedundancyConfiguration(LocalServer.defaults().withSymbol("SCADA-0"), partners);
        IProject project = ResourcesPlugin.getWorkspace().getRoot().getProject("scale");
        if (!project.exists()) {
            project.create(null);
        }
        project.open(null);
        IFile file = project.getFile("big.scadaredundancy");
        byte[] bytes = ConfigurationFile.toBytes(big);
        file.create(new ByteArrayInputStream(bytes), true, null);
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        List<Long> open = new ArrayList<>();
        List<Long> save = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            RedundancyEditor editor = (RedundancyEditor) IDE.openEditor(page, file, RedundancyEditor.ID);
            while (Display.getCurrent().readAndDispatch()) {
                // until the editor is laid out and painted
            }
            open.add((System.nanoTime() - t0) / 1_000_000);
            assertEquals(1000, editor.partnersTable().viewer().getTable().getItemCount());
            editor.change("touch", editor.configuration().withPartner(999, editor.configuration().partners().get(999).withComment("r" + round)));
            long t1 = System.nanoTime();
            editor.doSave(null);
            save.add((System.nanoTime() - t1) / 1_000_000);
            page.closeEditor(editor, false);
            while (Display.getCurrent().readAndDispatch()) {
                // close
            }
        }
        try (InputStream in = file.getContents(true)) {
            assertEquals("r4", ConfigurationFile.parse(in.readAllBytes(), "big").configuration().partners().get(999).comment());
        }
        String json = "{\n  \"benchmark\": \"editor-1000-partners\",\n  \"fileBytes\": " + bytes.length
                + ",\n  \"openMs\": " + open + ",\n  \"saveMs\": " + save + ",\n  \"note\": \"open = IDE.openEditor until the UI "
                + "queue is empty (read, validate, build both tables); save = doSave of the whole file; 5 rounds, the first "
                + "includes class loading and JIT; goal under 1000 ms each\"\n}\n";
        Files.writeString(Path.of("target", "editor-1000-partners.json"), json);
        System.out.println(json);
        project.delete(true, true, null);
    }
}
