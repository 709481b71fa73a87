package scada.redundancy.ui.internal;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.IProjectDescription;
import org.eclipse.core.resources.IWorkspace;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.resources.WorkspaceJob;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IPath;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.ui.IStartup;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.ide.IDE;

/**
 * {@code -Dduplex.studio.open=FILE} (what {@code ./scada-redundancy studio FILE} passes): the
 * folder of FILE becomes a project of the workspace (imported in place, nothing is copied) and
 * FILE opens in the Redundancy editor, so that an engineer lands in the editor, not in an empty
 * workbench. Without the property nothing happens.
 */
public final class OpenOnStartup implements IStartup {
    public static final String PROPERTY = "duplex.studio.open";

    @Override
    public void earlyStartup() {
        String open = System.getProperty(PROPERTY);
        if (open == null || open.isBlank()) {
            return;
        }
        Path path = Path.of(open).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path) || path.getParent() == null) {
            System.out.println("duplex studio: cannot open " + path + ": no such file");
            return;
        }
        new WorkspaceJob("Opening " + path.getFileName()) {
            @Override
            public IStatus runInWorkspace(IProgressMonitor monitor) throws CoreException {
                IFile file = importFolder(path.getParent(), monitor).getFile(path.getFileName().toString());
                file.refreshLocal(0, monitor);
                PlatformUI.getWorkbench().getDisplay().asyncExec(() -> openEditor(file));
                return Status.OK_STATUS;
            }
        }.schedule();
    }

    /** The project whose location is this folder: the existing one, or a new one imported in place. */
    private static IProject importFolder(Path folder, IProgressMonitor monitor) throws CoreException {
        IWorkspace workspace = ResourcesPlugin.getWorkspace();
        IPath location = IPath.fromPath(folder);
        for (IProject p : workspace.getRoot().getProjects()) {
            if (location.equals(p.getLocation())) {
                p.open(monitor);
                return p;
            }
        }
        String base = folder.getFileName() == null ? "plant" : folder.getFileName().toString();
        String name = base;
        for (int i = 2; workspace.getRoot().getProject(name).exists(); i++) {
            name = base + "-" + i;
        }
        IProject project = workspace.getRoot().getProject(name);
        IProjectDescription description = workspace.newProjectDescription(name);
        if (!location.equals(workspace.getRoot().getLocation().append(name))) {
            description.setLocation(location);
        }
        project.create(description, monitor);
        project.open(monitor);
        return project;
    }

    private static void openEditor(IFile file) {
        IWorkbenchWindow window = PlatformUI.getWorkbench().getActiveWorkbenchWindow();
        if (window == null && PlatformUI.getWorkbench().getWorkbenchWindowCount() > 0) {
            window = PlatformUI.getWorkbench().getWorkbenchWindows()[0];
        }
        try {
            IDE.openEditor(window.getActivePage(), file, RedundancyEditor.ID);
            System.out.println("duplex studio: opened " + file.getLocation() + " in the Redundancy editor");
        } catch (PartInitException e) {
            System.out.println("duplex studio: cannot open " + file.getLocation() + ": " + e.getMessage());
        }
    }
}
