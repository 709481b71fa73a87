package scada.redundancy.ui.internal;

import java.util.List;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;

import scada.redundancy.runtime.deploy.DeployResult;

/** The export's last page: one row per server, what became of its deployment (applied / refused with the reason). */
public final class ExportResultsPage extends WizardPage {
    private TableViewer table;
    private List<DeployResult> results = List.of();

    ExportResultsPage() {
        super("results");
        setTitle("Results");
        setDescription("What each server did with its deployment.");
        setPageComplete(false);
    }

    @Override
    public void createControl(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        GridLayoutFactory.swtDefaults().applyTo(c);
        table = new TableViewer(c, SWT.BORDER | SWT.FULL_SELECTION);
        table.getTable().setHeaderVisible(true);
        table.setContentProvider(ArrayContentProvider.getInstance());
        column("Server", 110, DeployResult::symbol);
        column("Where", 200, DeployResult::endpoint);
        column("Result", 100, r -> r.outcome().word());
        column("Detail", 520, DeployResult::detail);
        GridDataFactory.fillDefaults().grab(true, true).hint(700, 200).applyTo(table.getTable());
        setControl(c);
    }

    private void column(String title, int width, java.util.function.Function<DeployResult, String> text) {
        TableViewerColumn col = new TableViewerColumn(table, SWT.NONE);
        col.getColumn().setText(title);
        col.getColumn().setWidth(width);
        col.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return text.apply((DeployResult) element);
            }

            @Override
            public String getToolTipText(Object element) {
                return ((DeployResult) element).line();
            }
        });
    }

    void show(List<DeployResult> shown, boolean folders) {
        this.results = List.copyOf(shown);
        table.setInput(results);
        long applied = results.stream().filter(r -> r.outcome() == DeployResult.Outcome.APPLIED).count();
        String summary = applied + " of " + results.size() + " servers " + (folders ? "written" : "applied");
        if (applied == results.size()) {
            setMessage(summary + ". Finish closes the wizard.");
            setErrorMessage(null);
        } else {
            setErrorMessage(summary + ": see the reasons below.");
        }
        setPageComplete(true);
    }

    /** The results shown, for tests. */
    public List<DeployResult> results() {
        return results;
    }

    public TableViewer table() {
        return table;
    }
}
