package scada.redundancy.ui.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static scada.redundancy.ui.tests.UiWait.process;
import static scada.redundancy.ui.tests.UiWait.until;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.jface.preference.PreferenceDialog;
import org.eclipse.jface.preference.PreferencePage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.dialogs.PreferencesUtil;
import org.eclipse.ui.ide.IDE;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.ui.internal.RedundancyEditor;
import scada.redundancy.ui.internal.RuntimePreferencePage;
import scada.redundancy.ui.internal.RuntimePreferences;

/**
 * Window > Preferences > Duplex Redundancy, filled in as a user would, and an editor that then
 * follows the runtime set there as soon as it opens (two real servers on 127.0.2.1-2).
 */
public class RuntimePreferencesTest {
    private RedundancySet set;
    private IProject project;
    private PreferenceDialog dialog;

    @Before
    public void start() throws Exception {
        set = new RedundancySet(Files.createTempDirectory("duplex-ui-prefs-"), 2, 200, 600, 3, null, List.of()).startAll();
        set.awaitStable(Duration.ofSeconds(60));
        project = ResourcesPlugin.getWorkspace().getRoot().getProject("prefs");
        if (!project.exists()) {
            project.create(null);
        }
        project.open(null);
    }

    @After
    public void stop() throws Exception {
        if (dialog != null && dialog.getShell() != null && !dialog.getShell().isDisposed()) {
            dialog.close();
        }
        PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage().closeAllEditors(false);
        project.delete(true, true, null);
        IPreferenceStore store = RuntimePreferences.store();
        store.setToDefault(RuntimePreferences.ADDRESS);
        store.setToDefault(RuntimePreferences.IDENTITY);
        store.setToDefault(RuntimePreferences.AUTO_CONNECT);
        set.close();
    }


    private static void collect(Composite parent, List<Control> into) {
        for (Control c : parent.getChildren()) {
            into.add(c);
            if (c instanceof Composite child) {
                collect(child, into);
            }
        }
    }

    /** Types as a user does: the text changes, then the key is released. */
    private static void type(Text text, String value) {
        text.setFocus();
        text.setText(value);
        Event up = new Event();
        up.character = value.isEmpty() ? 0 : value.charAt(value.length() - 1);
        text.notifyListeners(SWT.KeyUp, up);
        text.notifyListeners(SWT.KeyDown, up);
        process();
    }

    @Test
    public void thePreferencePageValidatesStoresAndTheEditorFollowsThatRuntimeWhenItOpens() throws Exception {
        dialog = PreferencesUtil.createPreferenceDialogOn(PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell(),
                RuntimePreferencePage.ID, new String[] { RuntimePreferencePage.ID }, null);
        dialog.setBlockOnOpen(false);
        dialog.open();
        process();
        PreferencePage page = (PreferencePage) dialog.getSelectedPage();
        assertTrue(page instanceof RuntimePreferencePage);
        List<Control> controls = new ArrayList<>();
        collect((Composite) page.getControl(), controls);
        List<Text> texts = controls.stream().filter(Text.class::isInstance).map(Text.class::cast).toList();
        Button follow = controls.stream().filter(Button.class::isInstance).map(Button.class::cast)
                .filter(b -> b.getText().startsWith("Follow")).findFirst().orElse(null);
        assertEquals("Runtime and Identity directory", 2, texts.size());
        assertNotNull(follow);

        type(texts.get(0), "127.0.0.1");
        assertFalse("ADDR without a port is refused", page.isValid());
        assertTrue(page.getErrorMessage(), page.getErrorMessage().contains("not ADDR:PORT"));
        type(texts.get(0), "127.0.0.1:70000");
        assertFalse(page.isValid());
        assertTrue(page.getErrorMessage(), page.getErrorMessage().contains("between 1 and 65535"));
        type(texts.get(0), set.address(0) + ":" + set.port());
        assertTrue(page.getErrorMessage(), page.isValid());
        Path identity = set.server(0).data();
        type(texts.get(1), identity.toString());
        follow.setSelection(true);
        follow.notifyListeners(SWT.Selection, new Event());
        process();
        assertTrue(page.getErrorMessage(), page.isValid());
        assertTrue(page.performOk());
        dialog.close();
        process();

        IPreferenceStore store = RuntimePreferences.store();
        assertEquals(set.address(0) + ":" + set.port(), store.getString(RuntimePreferences.ADDRESS));
        assertEquals(identity.toString(), store.getString(RuntimePreferences.IDENTITY));
        assertTrue(store.getBoolean(RuntimePreferences.AUTO_CONNECT));

        IFile file = project.getFile(ConfigurationFile.DEFAULT_FILE_NAME);
        file.create(new ByteArrayInputStream(Files.readAllBytes(set.config(0))), true, null);
        RedundancyEditor editor = (RedundancyEditor) IDE.openEditor(
                PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage(), file, RedundancyEditor.ID);
        var table = editor.partnersTable().viewer().getTable();
        int connected = -1;
        TableColumn[] cols = table.getColumns();
        for (int i = 0; i < cols.length; i++) {
            if (cols[i].getText().equals("Connected")) {
                connected = i;
            }
        }
        int column = connected;
        until("the editor follows the runtime from the preferences, no Connect pressed",
                () -> table.getItem(0).getText(column).startsWith("yes"));
    }
}
