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

    /**
     * Answers the next question dialog titled {@code title} with {@code button} from inside its
     * own modal event loop, as a user would click it; returns the question it asked.
     */
    private static java.util.concurrent.CompletableFuture<String> answer(String title, String button) {
        java.util.concurrent.CompletableFuture<String> asked = new java.util.concurrent.CompletableFuture<>();
        Display display = Display.getCurrent();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        Runnable[] look = new Runnable[1];
        look[0] = () -> {
            for (org.eclipse.swt.widgets.Shell shell : display.getShells()) {
                if (title.equals(shell.getText()) && shell.isVisible()) {
                    StringBuilder text = new StringBuilder();
                    org.eclipse.swt.widgets.Button pressed = find(shell, button, text);
                    assertNotNull("the dialog has a " + button + " button", pressed);
                    asked.complete(text.toString());
                    pressed.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
                    return;
                }
            }
            if (System.nanoTime() < deadline) {
                display.timerExec(20, look[0]);
            } else {
                asked.completeExceptionally(new AssertionError("no dialog \"" + title + "\" appeared"));
            }
        };
        display.timerExec(20, look[0]);
        return asked;
    }

    private static org.eclipse.swt.widgets.Button find(org.eclipse.swt.widgets.Composite parent, String label,
            StringBuilder text) {
        org.eclipse.swt.widgets.Button found = null;
        for (Control c : parent.getChildren()) {
            if (c instanceof org.eclipse.swt.widgets.Button b && b.getText().replace("&", "").equals(label)) {
                found = b;
            } else if (c instanceof org.eclipse.swt.widgets.Label l) {
                text.append(l.getText());
            } else if (c instanceof org.eclipse.swt.widgets.Composite child) {
                org.eclipse.swt.widgets.Button b = find(child, label, text);
                found = found != null ? found : b;
            }
        }
        return found;
    }

    private static void processUntil(java.util.concurrent.CompletableFuture<?> done) throws Exception {
        Display d = Display.getCurrent();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!done.isDone() && System.nanoTime() < deadline) {
            if (!d.readAndDispatch()) {
                d.sleep();
            }
        }
        done.get(1, java.util.concurrent.TimeUnit.SECONDS);
        process();
    }

    @Test
    public void aConflictingExternalChangeAsksAndNoKeepsTheUnsavedEdits() throws Exception {
        type(editor.partnersTable(), 0, "Symbol", "SCADA-Z");
        java.util.concurrent.CompletableFuture<String> asked = answer("File Changed", "No");
        file.setContents(new ByteArrayInputStream(ConfigurationFile.toBytes(START.withPartnerRemoved(1))), true, false, null);
        processUntil(asked);
        assertTrue(asked.get(), asked.get().contains(file.getName()) && asked.get().contains("unsaved edits"));
        assertTrue(editor.isDirty());
        assertEquals("SCADA-Z", editor.configuration().partners().get(0).symbol());
        assertEquals(2, editor.partnersTable().viewer().getTable().getItemCount());
        editor.doSave(null);
        process();
        assertEquals("the user chose the editor's content", editor.configuration(), onDisk());
    }

    @Test
    public void aConflictingExternalChangeAsksAndYesTakesTheFile() throws Exception {
        type(editor.partnersTable(), 0, "Symbol", "SCADA-Z");
        RedundancyConfiguration external = START.withPartnerRemoved(1);
        java.util.concurrent.CompletableFuture<String> asked = answer("File Changed", "Yes");
        file.setContents(new ByteArrayInputStream(ConfigurationFile.toBytes(external)), true, false, null);
        processUntil(asked);
        assertEquals(external, editor.configuration());
        assertFalse(editor.isDirty());
        assertEquals(1, editor.partnersTable().viewer().getTable().getItemCount());
    }

    @Test
    public void theKeyboardEditsWithEnterMovesWithTabAndRemovesWithDelete() throws Exception {
        SectionTable partners = editor.partnersTable();
        org.eclipse.swt.widgets.Table table = partners.viewer().getTable();
        table.setFocus();
        table.notifyListeners(org.eclipse.swt.SWT.FocusIn, new org.eclipse.swt.widgets.Event()); // the focus cell appears
        table.setSelection(1);
        org.eclipse.swt.widgets.Event select = new org.eclipse.swt.widgets.Event();
        select.item = table.getItem(1);
        table.notifyListeners(org.eclipse.swt.SWT.Selection, select);
        process();
        key(table, org.eclipse.swt.SWT.CR, '\r');
        assertTrue("Enter opens the cell editor of the focused cell", partners.viewer().isCellEditorActive());
        int first = partners.viewer().getColumnViewerEditor().getFocusCell().getColumnIndex();
        Text text = null;
        for (Control c : table.getChildren()) {
            if (c instanceof Text t && t.isVisible()) {
                text = t;
            }
        }
        assertNotNull("a text cell editor is open", text);
        org.eclipse.swt.widgets.Event tab = new org.eclipse.swt.widgets.Event();
        tab.detail = org.eclipse.swt.SWT.TRAVERSE_TAB_NEXT;
        tab.keyCode = org.eclipse.swt.SWT.TAB;
        tab.character = '\t';
        tab.doit = true;
        text.notifyListeners(org.eclipse.swt.SWT.Traverse, tab);
        process();
        assertTrue("Tab moves the editor on", partners.viewer().isCellEditorActive());
        assertEquals("Tab moves to the next column", first + 1,
                partners.viewer().getColumnViewerEditor().getFocusCell().getColumnIndex());
        partners.viewer().cancelEditing();
        process();
        assertEquals(START, editor.configuration());
        table.setSelection(1);
        key(table, org.eclipse.swt.SWT.DEL, (char) 127);
        assertEquals(1, table.getItemCount());
        assertEquals(List.of("SCADA-B"), editor.configuration().partners().stream().map(Partner::symbol).toList());
        PlatformUI.getWorkbench().getOperationSupport().getOperationHistory()
                .undo(editor.undoContext(), null, null);
        process();
        assertEquals(START, editor.configuration());
    }

    private static void key(Control control, int keyCode, char character) {
        org.eclipse.swt.widgets.Event e = new org.eclipse.swt.widgets.Event();
        e.keyCode = keyCode;
        e.character = character;
        e.doit = true;
        control.notifyListeners(org.eclipse.swt.SWT.KeyDown, e);
        process();
    }

    @Test
    public void aTryToConnectThatWaitsForASilentPartnerCanBeCancelled() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(8000, 5, java.net.InetAddress.getByName("127.0.0.9"))) {
            type(editor.partnersTable(), 0, "IP Address", "127.0.0.9"); // accepts TCP, never answers
            org.eclipse.core.runtime.jobs.Job job = editor.tryToConnect(0);
            UiWait.until("the job runs", () -> job.getState() == org.eclipse.core.runtime.jobs.Job.RUNNING);
            assertEquals("a Job the user sees in the Progress view", false, job.isSystem());
            job.cancel();
            assertTrue("the job ends", job.join(20_000, null));
            assertTrue(editor.lastActionResult(), editor.lastActionResult().endsWith(": cancelled"));
        }
    }

    @Test
    public void aDoubleClickInTheProjectExplorerOpensTheRedundancyEditor() throws Exception {
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        page.closeAllEditors(false);
        process();
        assertEquals(RedundancyEditor.ID, IDE.getDefaultEditor(file).getId());
        // What the Project Explorer's Open does: the default editor for the file, no editor id given.
        assertTrue(IDE.openEditor(page, file) instanceof RedundancyEditor);
    }

    @Test
    public void aRenamedFileIsFollowedAndADeletedOneClosesAnUnmodifiedEditor() throws Exception {
        file.move(file.getFullPath().removeLastSegments(1).append("renamed.scadaredundancy"), true, null);
        process();
        IFile renamed = project.getFile("renamed.scadaredundancy");
        assertEquals(renamed, ((org.eclipse.ui.IFileEditorInput) editor.getEditorInput()).getFile());
        assertEquals("renamed.scadaredundancy", editor.getPartName());
        type(editor.partnersTable(), 0, "Comment", "after the rename");
        editor.doSave(null);
        try (InputStream in = renamed.getContents(true)) {
            assertEquals("after the rename",
                    ConfigurationFile.parse(in.readAllBytes(), "renamed").configuration().partners().get(0).comment());
        }
        renamed.delete(true, null);
        process();
        assertEquals("an editor without unsaved edits closes with its file", 0,
                PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage().getEditorReferences().length);
    }

    @Test
    public void aDeletedFileWithUnsavedEditsKeepsTheEditorAndSaveWritesItAgain() throws Exception {
        type(editor.partnersTable(), 0, "Comment", "keep me");
        file.delete(true, null);
        process();
        assertTrue(editor.isDirty());
        assertEquals(1, PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage().getEditorReferences().length);
        editor.doSave(null);
        assertTrue(file.exists());
        assertEquals("keep me", onDisk().partners().get(0).comment());
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
