package scada.redundancy.ui.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import org.eclipse.core.commands.operations.IOperationHistory;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.ide.IDE;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.ui.internal.RedundancyEditor;
import scada.redundancy.ui.internal.SectionTable;

/** The Redundancy editor in a real workbench: a real file of a workspace project, edited through its tables. */
public class RedundancyEditorTest {
    private IProject project;
    private IFile file;
    private RedundancyEditor editor;

    private static final RedundancyConfiguration START = new RedundancyConfiguration(
            LocalServer.defaults().withSymbol("SCADA-A"),
            List.of(Partner.defaults(1, "SCADA-B", "192.168.1.11", 8000), Partner.defaults(2, "SCADA-C", "192.168.1.12", 8000)));

    @Before
    public void openEditor() throws Exception {
        project = ResourcesPlugin.getWorkspace().getRoot().getProject("plant");
        if (!project.exists()) {
            project.create(null);
        }
        project.open(null);
        file = project.getFile(ConfigurationFile.DEFAULT_FILE_NAME);
        if (file.exists()) {
            file.delete(true, null);
        }
        file.create(new ByteArrayInputStream(ConfigurationFile.toBytes(START)), true, null);
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        editor = (RedundancyEditor) IDE.openEditor(page, file, RedundancyEditor.ID);
        process();
    }

    @After
    public void closeEditor() throws Exception {
        PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage().closeAllEditors(false);
        project.delete(true, true, null);
    }

    private static void process() {
        Display d = Display.getCurrent();
        while (d.readAndDispatch()) {
            // run what the UI queued
        }
    }

    private static int column(SectionTable table, String title) {
        TableColumn[] cols = table.viewer().getTable().getColumns();
        for (int i = 0; i < cols.length; i++) {
            if (cols[i].getText().equals(title)) {
                return i;
            }
        }
        throw new AssertionError("no column " + title);
    }

    /** Types into a cell through the viewer's own cell editor, as a user would, and applies it. */
    private static void type(SectionTable table, int row, String title, String text) {
        TableViewer viewer = table.viewer();
        viewer.editElement(Integer.valueOf(row), column(table, title));
        process();
        Text editorText = null;
        for (Control c : viewer.getTable().getChildren()) {
            if (c instanceof Text t && t.isVisible()) {
                editorText = t;
            }
        }
        assertNotNull("a text cell editor is open on " + title, editorText);
        editorText.setText(text);
        viewer.applyEditorValue();
        process();
    }

    private RedundancyConfiguration onDisk() throws Exception {
        try (InputStream in = file.getContents(true)) {
            return ConfigurationFile.parse(in.readAllBytes(), "disk").configuration();
        }
    }

    @Test
    public void bothTablesHaveExactlyTheSpecsColumnsInItsOrderWithItsDescriptions() {
        assertEquals(List.of("Symbol", "Port", "Activate", "Is Primary", "Connected Server", "Connected Client", "Enable DB Sync",
                "Database", "Try To Connect", "Verified / Not Verified", "Comment"),
                Arrays.stream(editor.thisScadaTable().viewer().getTable().getColumns()).map(TableColumn::getText).toList());
        assertEquals(List.of("No", "Symbol", "IP Address", "Port", "Period (ms)", "Timeout (ms)", "Retry Count", "Activate",
                "Is Primary", "Connected", "Fault", "Database", "Try To Connect", "Verify", "Comment"),
                Arrays.stream(editor.partnersTable().viewer().getTable().getColumns()).map(TableColumn::getText).toList());
        TableColumn timeout = editor.partnersTable().viewer().getTable().getColumn(column(editor.partnersTable(), "Timeout (ms)"));
        assertEquals("Time to wait before the partner is considered offline (recommended: Period x 3).", timeout.getToolTipText());
        assertEquals(2, editor.partnersTable().viewer().getTable().getItemCount());
        assertEquals("no runtime connected", editor.partnersTable().viewer().getTable().getItem(0)
                .getText(column(editor.partnersTable(), "Connected")));
    }

    @Test
    public void aCellEditIsUndoableRedoableAndSaved() throws Exception {
        type(editor.partnersTable(), 0, "Timeout (ms)", "2500");
        assertEquals(2500, editor.configuration().partners().get(0).timeoutMs());
        assertTrue(editor.isDirty());
        IOperationHistory history = PlatformUI.getWorkbench().getOperationSupport().getOperationHistory();
        history.undo(editor.undoContext(), null, null);
        process();
        assertEquals(3000, editor.configuration().partners().get(0).timeoutMs());
        assertFalse("back to the file's state", editor.isDirty());
        history.redo(editor.undoContext(), null, null);
        process();
        assertEquals(2500, editor.configuration().partners().get(0).timeoutMs());
        editor.doSave(null);
        assertFalse(editor.isDirty());
        assertEquals(editor.configuration(), onDisk());
        assertEquals(2500, onDisk().partners().get(0).timeoutMs());
    }

    @Test
    public void invalidNumberTextIsRefusedAndChangesNothing() throws Exception {
        type(editor.partnersTable(), 1, "Port", "80x0");
        assertEquals(8000, editor.configuration().partners().get(1).port());
        assertFalse(editor.isDirty());
    }

    @Test
    public void aRuleViolationDecoratesTheCellWithTheMessage() {
        type(editor.partnersTable(), 0, "Timeout (ms)", "1500");
        SectionTable partners = editor.partnersTable();
        int col = column(partners, "Timeout (ms)");
        assertEquals(1, partners.problems(partners.columns().get(col), 0).size());
        ColumnLabelProvider label = (ColumnLabelProvider) partners.viewer().getLabelProvider(col);
        assertNotNull("an error image on the cell", label.getImage(Integer.valueOf(0)));
        assertTrue(label.getToolTipText(Integer.valueOf(0)), label.getToolTipText(Integer.valueOf(0)).contains("Set Timeout to 3000 ms"));
        assertNull("other cells are clean", ((ColumnLabelProvider) partners.viewer().getLabelProvider(column(partners, "Symbol")))
                .getImage(Integer.valueOf(0)));
        assertEquals(1, editor.configuration().partners().stream().filter(p -> p.timeoutMs() == 1500).count());
        assertFalse(partners.problems(partners.columns().get(col), 0).isEmpty());
        assertEquals(ConfigField.PARTNER_TIMEOUT, partners.problems(partners.columns().get(col), 0).get(0).field());
    }

    @Test
    public void partnersAreAddedDuplicatedMovedAndRemovedAndEachStepUndoes() throws Exception {
        editor.addPartner();
        process();
        Partner added = editor.configuration().partners().get(2);
        assertEquals(3, added.no());
        assertEquals(8000, added.port());
        assertEquals(3000, added.timeoutMs());
        editor.partnersTable().viewer().getTable().setSelection(0);
        editor.duplicateSelectedPartner();
        process();
        assertEquals(4, editor.configuration().partners().size());
        assertEquals("192.168.1.11", editor.configuration().partners().get(1).ipAddress());
        editor.partnersTable().viewer().getTable().setSelection(0);
        editor.moveSelectedPartner(1);
        process();
        assertEquals("SCADA-B", editor.configuration().partners().get(1).symbol());
        editor.partnersTable().viewer().getTable().setSelection(3);
        editor.removeSelectedPartners();
        process();
        assertEquals(3, editor.configuration().partners().size());
        IOperationHistory history = PlatformUI.getWorkbench().getOperationSupport().getOperationHistory();
        for (int i = 0; i < 4; i++) {
            history.undo(editor.undoContext(), null, null);
        }
        process();
        assertEquals(START, editor.configuration());
        assertFalse(editor.isDirty());
        assertEquals(2, editor.partnersTable().viewer().getTable().getItemCount());
    }

    @Test
    public void checkboxesToggleActivate() throws Exception {
        SectionTable partners = editor.partnersTable();
        partners.viewer().editElement(Integer.valueOf(1), column(partners, "Activate"));
        process();
        partners.viewer().applyEditorValue();
        process();
        // The checkbox cell editor flips on activation: the row's Activate is now off.
        assertFalse(editor.configuration().partners().get(1).activate());
        editor.doSave(null);
        assertFalse(onDisk().partners().get(1).activate());
    }

    @Test
    public void aFileThatCannotBeReadOpensWithItsReasonAndIsNotChanged() throws Exception {
        IFile bad = project.getFile("broken.scadaredundancy");
        bad.create(new ByteArrayInputStream("{\"format\": 1,\n \"thisScada\": {\"port\": \"x\"}}".getBytes()), true, null);
        RedundancyEditor broken = (RedundancyEditor) IDE.openEditor(
                PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage(), bad, RedundancyEditor.ID);
        process();
        assertTrue(broken.loadError(), broken.loadError().contains(":2:") && broken.loadError().contains("thisScada.port"));
        assertFalse(broken.isDirty());
    }

    @Test
    public void anExternalChangeReloadsAnEditorWithoutUnsavedEdits() throws Exception {
        RedundancyConfiguration changed = START.withPartnerRemoved(1);
        file.setContents(new ByteArrayInputStream(ConfigurationFile.toBytes(changed)), true, false, null);
        process();
        assertEquals(changed, editor.configuration());
        assertFalse(editor.isDirty());
        assertEquals(1, editor.partnersTable().viewer().getTable().getItemCount());
    }

    @Test
    public void theNewWizardCreatesAValidFileWithTheDefaults() throws Exception {
        scada.redundancy.ui.internal.NewConfigurationWizard wizard = new scada.redundancy.ui.internal.NewConfigurationWizard();
        wizard.init(PlatformUI.getWorkbench(), new org.eclipse.jface.viewers.StructuredSelection(project));
        org.eclipse.jface.wizard.WizardDialog dialog = new org.eclipse.jface.wizard.WizardDialog(
                PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell(), wizard);
        dialog.setBlockOnOpen(false);
        dialog.open();
        wizard.page().setFileName("second.scadaredundancy");
        assertTrue(wizard.performFinish());
        dialog.close();
        IFile created = wizard.created();
        assertTrue(created.exists());
        RedundancyConfiguration read;
        try (InputStream in = created.getContents(true)) {
            read = ConfigurationFile.parse(in.readAllBytes(), "new").configuration();
        }
        assertEquals(RedundancyConfiguration.defaults(), read);
        assertFalse(scada.redundancy.model.ConfigurationValidator.validate(read).hasErrors());
        assertTrue("the new file is open in the Redundancy editor",
                PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage().getActiveEditor() instanceof RedundancyEditor);
    }

    @Test
    public void revertDropsUnsavedEdits() throws Exception {
        type(editor.partnersTable(), 0, "Symbol", "SCADA-Z");
        assertTrue(editor.isDirty());
        editor.revert();
        process();
        assertEquals(START, editor.configuration());
        assertFalse(editor.isDirty());
    }

    @Test
    public void actionCellsAreLinks() {
        assertEquals("\u25b6 Try To Connect", editor.partnersTable().viewer().getTable().getItem(0)
                .getText(column(editor.partnersTable(), "Try To Connect")));
        assertEquals("\u25b6 Verify", editor.partnersTable().viewer().getTable().getItem(0)
                .getText(column(editor.partnersTable(), "Verify")));
        assertEquals("\u25b6 Try To Connect", editor.thisScadaTable().viewer().getTable().getItem(0)
                .getText(column(editor.thisScadaTable(), "Try To Connect")));
    }
}
