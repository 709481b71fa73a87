package scada.redundancy.ui.internal;

import java.util.function.Consumer;

import org.eclipse.core.commands.operations.AbstractOperation;
import org.eclipse.core.commands.operations.IUndoContext;
import org.eclipse.core.runtime.IAdaptable;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;

import scada.redundancy.model.RedundancyConfiguration;

/**
 * One undoable edit in the workbench operation history. The model is immutable, so an edit is
 * just the configuration before and after it.
 */
final class ConfigurationEdit extends AbstractOperation {
    private final RedundancyConfiguration before;
    private final RedundancyConfiguration after;
    private final Consumer<RedundancyConfiguration> show;

    ConfigurationEdit(String label, IUndoContext context, RedundancyConfiguration before, RedundancyConfiguration after,
            Consumer<RedundancyConfiguration> show) {
        super(label);
        addContext(context);
        this.before = before;
        this.after = after;
        this.show = show;
    }

    @Override
    public IStatus execute(IProgressMonitor monitor, IAdaptable info) {
        show.accept(after);
        return Status.OK_STATUS;
    }

    @Override
    public IStatus redo(IProgressMonitor monitor, IAdaptable info) {
        return execute(monitor, info);
    }

    @Override
    public IStatus undo(IProgressMonitor monitor, IAdaptable info) {
        show.accept(before);
        return Status.OK_STATUS;
    }
}
