package scada.redundancy.ui.internal;

import java.nio.file.Path;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;

/**
 * Where the views go: a folder per server (for plants that copy files by their own means), or
 * the running servers, pushed over their redundancy link as the studio's identity, which every
 * server must have approved as operator ({@code scada-redundancy trust --as operator}).
 */
public final class ExportDestinationPage extends WizardPage {
    /** The check box of a push to the servers that accept it. */
    public static final String PARTIAL_LABEL = "Apply on the servers that accept it, even if others refuse";
    private Button toFolders;
    private Button toServers;
    private Text folder;
    private Text identity;
    private Button partial;

    ExportDestinationPage() {
        super("destination");
        setTitle("Destination");
        setDescription("Write a folder per server, or push to the running servers.");
    }

    @Override
    public void createControl(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(3).applyTo(c);
        toFolders = new Button(c, SWT.RADIO);
        toFolders.setText("Write a folder per server to:");
        folder = new Text(c, SWT.BORDER);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(folder);
        Button browse = new Button(c, SWT.PUSH);
        browse.setText("Browse...");
        browse.addListener(SWT.Selection, e -> {
            String chosen = new DirectoryDialog(getShell()).open();
            if (chosen != null) {
                folder.setText(chosen);
            }
        });
        toServers = new Button(c, SWT.RADIO);
        toServers.setText("Push to the running servers");
        GridDataFactory.swtDefaults().span(3, 1).applyTo(toServers);
        Label idLabel = new Label(c, SWT.NONE);
        idLabel.setText("    as the identity in:");
        identity = new Text(c, SWT.BORDER);
        String preferred = RuntimePreferences.store().getString(RuntimePreferences.IDENTITY);
        identity.setText(preferred.isBlank() ? RuntimePreferences.defaultIdentity().toString() : preferred);
        identity.setToolTipText("Every server must approve this identity's fingerprint as operator: "
                + "scada-redundancy trust --data DIR --as operator FINGERPRINT");
        GridDataFactory.fillDefaults().grab(true, false).span(2, 1).applyTo(identity);
        new Label(c, SWT.NONE);
        partial = new Button(c, SWT.CHECK);
        partial.setText(PARTIAL_LABEL);
        partial.setToolTipText("Off (the default): every server first checks the deployment, and nothing is pushed "
                + "unless all of them would apply it. On: each server that accepts it applies it, whatever the others "
                + "say (a set with a server down); as deploy --partial on the command line.");
        GridDataFactory.swtDefaults().span(2, 1).applyTo(partial);
        toFolders.setSelection(true);
        for (Button b : new Button[] { toFolders, toServers }) {
            b.addListener(SWT.Selection, e -> update());
        }
        folder.addModifyListener(e -> update());
        identity.addModifyListener(e -> update());
        setControl(c);
        update();
    }

    private void update() {
        folder.setEnabled(toFolders.getSelection());
        identity.setEnabled(toServers.getSelection());
        partial.setEnabled(toServers.getSelection());
        String error = null;
        if (toFolders.getSelection() && folder.getText().isBlank()) {
            error = "Choose the folder to write the servers' folders to.";
        } else if (toServers.getSelection() && identity.getText().isBlank()) {
            error = "Choose the identity directory the studio authenticates with.";
        }
        setErrorMessage(error);
        setPageComplete(error == null);
    }

    /** Write folders to {@code out}. */
    public void writeFolders(Path out) {
        toFolders.setSelection(true);
        toServers.setSelection(false);
        folder.setText(out.toString());
        update();
    }

    /** Push as the identity in {@code dir}. */
    public void push(Path dir) {
        toServers.setSelection(true);
        toFolders.setSelection(false);
        identity.setText(dir.toString());
        update();
    }

    /** The folder to write to, or null when pushing. */
    Path folder() {
        return toFolders.getSelection() ? Path.of(folder.getText().strip()) : null;
    }

    Path identity() {
        return Path.of(identity.getText().strip());
    }

    /** Whether each server that accepts the push applies it, whatever the others say. */
    boolean partial() {
        return toServers.getSelection() && partial.getSelection();
    }
}
