package scada.redundancy.ui.tests;

import org.eclipse.core.resources.IFile;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.ui.PlatformUI;

import scada.redundancy.ui.internal.ExportConfigurationWizard;

/** The export wizard as File > Export opens it: in a dialog over the workbench window, on the selected file. */
final class ExportWizards {
    private ExportWizards() {
    }

    /** Opens {@code wizard} on {@code selected} without blocking; returns once the dialog is drawn. */
    static WizardDialog open(ExportConfigurationWizard wizard, IFile selected) {
        wizard.init(PlatformUI.getWorkbench(), new StructuredSelection(selected));
        WizardDialog dialog = new WizardDialog(PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell(), wizard);
        dialog.setBlockOnOpen(false);
        dialog.open();
        UiWait.process();
        return dialog;
    }
}
