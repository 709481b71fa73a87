package scada.redundancy.ui.internal;

import org.eclipse.jface.preference.BooleanFieldEditor;
import org.eclipse.jface.preference.DirectoryFieldEditor;
import org.eclipse.jface.preference.FieldEditorPreferencePage;
import org.eclipse.jface.preference.StringFieldEditor;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.IWorkbenchPreferencePage;

/** Window > Preferences > Duplex Redundancy: the runtime the studio follows. */
public class RuntimePreferencePage extends FieldEditorPreferencePage implements IWorkbenchPreferencePage {
    public static final String ID = "scada.redundancy.ui.preferences.runtime";

    public RuntimePreferencePage() {
        super(GRID);
        setDescription("The running SCADA server whose live status the Redundancy editor shows in its status columns. "
                + "The studio connects as a monitoring client over the redundancy port, authenticated by TLS: "
                + "the server must have approved the identity's certificate (scada-redundancy trust), "
                + "or use a server's own data directory on its machine.");
    }

    @Override
    public void init(IWorkbench workbench) {
        setPreferenceStore(RuntimePreferences.store());
    }

    @Override
    protected void createFieldEditors() {
        Composite parent = getFieldEditorParent();
        StringFieldEditor address = new StringFieldEditor(RuntimePreferences.ADDRESS, "Runtime (ADDR:PORT):", parent) {
            @Override
            protected boolean doCheckState() {
                String text = getStringValue();
                if (text.isBlank()) {
                    return true;
                }
                try {
                    RuntimePreferences.parseEndpoint(text);
                    return true;
                } catch (IllegalArgumentException e) {
                    setErrorMessage("Runtime: " + e.getMessage());
                    return false;
                }
            }
        };
        address.setEmptyStringAllowed(true);
        address.getTextControl(parent).setMessage("127.0.0.1 at the file's port");
        addField(address);
        DirectoryFieldEditor identity = new DirectoryFieldEditor(RuntimePreferences.IDENTITY, "Identity directory:", parent);
        identity.setEmptyStringAllowed(true);
        identity.getTextControl(parent).setMessage(RuntimePreferences.defaultIdentity().toString());
        addField(identity);
        addField(new BooleanFieldEditor(RuntimePreferences.AUTO_CONNECT,
                "Follow this runtime as soon as a Redundancy editor opens", parent));
    }
}
