package scada.redundancy.ui.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import org.eclipse.core.resources.IFile;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.wizard.Wizard;
import org.eclipse.ui.INewWizard;
import org.eclipse.ui.IWorkbench;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.dialogs.WizardNewFileCreationPage;
import org.eclipse.ui.ide.IDE;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.RedundancyConfiguration;

/** File > New > Duplex > Redundancy Configuration: a valid file with the recommended defaults, opened in the editor. */
public final class NewConfigurationWizard extends Wizard implements INewWizard {
    private IWorkbench workbench;
    private IStructuredSelection selection;
    private WizardNewFileCreationPage page;
    private IFile created;

    public NewConfigurationWizard() {
        setWindowTitle("New Redundancy Configuration");
        setNeedsProgressMonitor(true);
    }

    @Override
    public void init(IWorkbench w, IStructuredSelection s) {
        this.workbench = w;
        this.selection = s;
    }

    @Override
    public void addPages() {
        page = new WizardNewFileCreationPage("file", selection) {
            @Override
            protected InputStream getInitialContents() {
                return new ByteArrayInputStream(ConfigurationFile.toBytes(RedundancyConfiguration.defaults()));
            }
        };
        page.setTitle("Redundancy Configuration");
        page.setDescription("The redundancy settings of this SCADA server and its partners, as a file of the project.");
        page.setFileName(ConfigurationFile.DEFAULT_FILE_NAME);
        page.setFileExtension(ConfigurationFile.FILE_EXTENSION);
        addPage(page);
    }

    @Override
    public boolean performFinish() {
        created = page.createNewFile();
        if (created == null) {
            return false;
        }
        if (workbench != null && workbench.getActiveWorkbenchWindow() != null) {
            try {
                IDE.openEditor(workbench.getActiveWorkbenchWindow().getActivePage(), created, RedundancyEditor.ID);
            } catch (PartInitException e) {
                page.setErrorMessage("The file was created but cannot be opened: " + e.getMessage());
            }
        }
        return true;
    }

    /** The page, for tests. */
    public WizardNewFileCreationPage page() {
        return page;
    }

    /** The file made by the last finish, or null. */
    public IFile created() {
        return created;
    }
}
