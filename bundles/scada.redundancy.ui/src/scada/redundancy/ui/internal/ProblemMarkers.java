package scada.redundancy.ui.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.IResourceChangeEvent;
import org.eclipse.core.resources.IResourceChangeListener;
import org.eclipse.core.resources.IResourceDelta;
import org.eclipse.core.resources.IWorkspaceRoot;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.core.resources.WorkspaceJob;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.ui.IStartup;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.LoadedConfiguration;
import scada.redundancy.model.Problem;
import scada.redundancy.model.Severity;

/**
 * Keeps the Problems view true for every redundancy configuration in the workspace, open in an
 * editor or not: at startup and on every change of a {@code *.scadaredundancy} file, a job
 * re-validates it and replaces its markers (with the line of the field, the message and how to fix it).
 */
public final class ProblemMarkers implements IStartup, IResourceChangeListener {
    public static final String MARKER = "scada.redundancy.ui.problem";
    public static final String FIELD = "field";
    public static final String PARTNER_INDEX = "partnerIndex";
    /** The family of the marker jobs, to wait for them (tests, shutdown). */
    public static final Object FAMILY = ProblemMarkers.class;

    @Override
    public void earlyStartup() {
        IWorkspaceRoot root = ResourcesPlugin.getWorkspace().getRoot();
        ResourcesPlugin.getWorkspace().addResourceChangeListener(this, IResourceChangeEvent.POST_CHANGE);
        List<IFile> all = new ArrayList<>();
        try {
            root.accept(r -> {
                if (isConfiguration(r)) {
                    all.add((IFile) r);
                }
                return true;
            });
        } catch (CoreException e) {
            // a workspace that cannot be walked: the listener still covers every change from now on
        }
        schedule(all);
    }

    @Override
    public void resourceChanged(IResourceChangeEvent event) {
        List<IFile> changed = new ArrayList<>();
        try {
            event.getDelta().accept(delta -> {
                boolean onlyMarkers = delta.getFlags() == IResourceDelta.MARKERS;
                if (isConfiguration(delta.getResource()) && delta.getKind() != IResourceDelta.REMOVED && !onlyMarkers) {
                    changed.add((IFile) delta.getResource());
                }
                return true;
            });
        } catch (CoreException e) {
            return;
        }
        schedule(changed);
    }

    private static boolean isConfiguration(IResource r) {
        return r.getType() == IResource.FILE && ConfigurationFile.FILE_EXTENSION.equals(r.getFileExtension());
    }

    private static void schedule(List<IFile> files) {
        if (files.isEmpty()) {
            return;
        }
        WorkspaceJob job = new WorkspaceJob("Checking redundancy configurations") {
            @Override
            public IStatus runInWorkspace(IProgressMonitor monitor) throws CoreException {
                for (IFile f : files) {
                    if (f.exists()) {
                        update(f);
                    }
                }
                return Status.OK_STATUS;
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == FAMILY;
            }
        };
        job.setSystem(true);
        job.setRule(ResourcesPlugin.getWorkspace().getRuleFactory().markerRule(ResourcesPlugin.getWorkspace().getRoot()));
        job.schedule();
    }

    /** Replaces the file's markers with its current problems. */
    public static void update(IFile file) throws CoreException {
        LoadedConfiguration loaded = null;
        String unreadable = null;
        int unreadableLine = 1;
        try (InputStream in = file.getContents(true)) {
            loaded = ConfigurationFile.parse(in.readAllBytes(), file.getName());
        } catch (ConfigurationReadException e) {
            unreadable = e.reason() + (e.fieldPath() == null ? "" : " (" + e.fieldPath() + ")");
            unreadableLine = Math.max(1, e.line());
        } catch (IOException e) {
            unreadable = "cannot be read: " + e.getMessage();
        }
        file.deleteMarkers(MARKER, false, IResource.DEPTH_ZERO);
        if (unreadable != null) {
            IMarker m = file.createMarker(MARKER);
            m.setAttribute(IMarker.SEVERITY, IMarker.SEVERITY_ERROR);
            m.setAttribute(IMarker.MESSAGE, "Not a readable redundancy configuration: " + unreadable);
            m.setAttribute(IMarker.LINE_NUMBER, unreadableLine);
            return;
        }
        for (Problem p : ConfigurationValidator.validate(loaded.configuration()).problems()) {
            IMarker m = file.createMarker(MARKER);
            m.setAttribute(IMarker.SEVERITY, p.severity() == Severity.ERROR ? IMarker.SEVERITY_ERROR : IMarker.SEVERITY_WARNING);
            m.setAttribute(IMarker.MESSAGE, p.message() + " " + p.howToFix());
            m.setAttribute(IMarker.LOCATION, p.path());
            m.setAttribute(FIELD, p.field().name());
            m.setAttribute(PARTNER_INDEX, p.partnerIndex());
            final IMarker marker = m;
            loaded.locationOf(p).ifPresent(at -> {
                try {
                    marker.setAttribute(IMarker.LINE_NUMBER, at.line());
                } catch (CoreException e) {
                    // the marker stays without a line
                }
            });
        }
    }
}
