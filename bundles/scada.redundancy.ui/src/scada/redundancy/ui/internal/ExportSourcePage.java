package scada.redundancy.ui.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.jface.wizard.WizardPage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.ServerView;
import scada.redundancy.model.ServerViews;

/**
 * The export's first page: the configuration file, what the file cannot say (This SCADA's
 * address and certificate) and the project; below, the views it produces, one row per server
 * with its problems. The page is complete only when every view is free of errors.
 */
public final class ExportSourcePage extends WizardPage {
    private final Path initialFile;
    private Text file;
    private Text address;
    private Text certificate;
    private Text project;
    private TableViewer viewsTable;
    private RedundancyConfiguration edited;
    private List<ServerView> views = List.of();

    ExportSourcePage(Path initialFile) {
        super("source");
        this.initialFile = initialFile;
        setTitle("Redundancy Configuration");
        setDescription("Every server of the set gets its own view: its row as This SCADA, the others as partners.");
    }

    @Override
    public void createControl(Composite parent) {
        Composite c = new Composite(parent, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(3).applyTo(c);
        file = field(c, "Configuration file:", "The configuration as edited (*.scadaredundancy).");
        browse(c, () -> {
            FileDialog d = new FileDialog(getShell(), SWT.OPEN);
            d.setFilterExtensions(new String[] { "*." + ConfigurationFile.FILE_EXTENSION });
            return d.open();
        }, file);
        address = field(c, "This SCADA's IP address:",
                "Where the file's This SCADA listens: a server does not name its own address in its file.");
        new Label(c, SWT.NONE);
        certificate = field(c, "This SCADA's certificate SHA-256:",
                "Pinned in the other servers' views. Empty: asked of the running server when pushing, not pinned in folders.");
        new Label(c, SWT.NONE);
        project = field(c, "SCADA project folder:", "Deployed with the configuration (optional; every server runs the same project).");
        browse(c, () -> new DirectoryDialog(getShell()).open(), project);

        Label viewsLabel = new Label(c, SWT.NONE);
        viewsLabel.setText("The views it produces:");
        GridDataFactory.swtDefaults().span(3, 1).applyTo(viewsLabel);
        viewsTable = new TableViewer(c, SWT.BORDER | SWT.FULL_SELECTION);
        viewsTable.getTable().setHeaderVisible(true);
        viewsTable.setContentProvider(ArrayContentProvider.getInstance());
        column("Server", 110, v -> v.symbol());
        column("Address", 120, v -> v.address() + ":" + v.configuration().thisScada().port());
        column("Partners", 200, v -> String.join(", ", v.partnerSymbols()));
        column("Problems", 420, ExportSourcePage::problems);
        GridDataFactory.fillDefaults().grab(true, true).span(3, 1).hint(700, 150).applyTo(viewsTable.getTable());

        if (initialFile != null) {
            file.setText(initialFile.toString());
            Path dir = initialFile.toAbsolutePath().getParent();
            if (dir != null && Files.isRegularFile(dir.resolve("project.json"))) {
                project.setText(dir.toString());
            }
        }
        for (Text t : List.of(file, address, certificate, project)) {
            t.addModifyListener(e -> update());
        }
        setControl(c);
        update();
    }

    private Text field(Composite c, String label, String tip) {
        Label l = new Label(c, SWT.NONE);
        l.setText(label);
        l.setToolTipText(tip);
        Text t = new Text(c, SWT.BORDER);
        t.setToolTipText(tip);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(t);
        return t;
    }

    private void browse(Composite c, java.util.function.Supplier<String> dialog, Text target) {
        Button b = new Button(c, SWT.PUSH);
        b.setText("Browse...");
        b.addListener(SWT.Selection, e -> {
            String chosen = dialog.get();
            if (chosen != null) {
                target.setText(chosen);
            }
        });
    }

    private void column(String title, int width, java.util.function.Function<ServerView, String> text) {
        TableViewerColumn col = new TableViewerColumn(viewsTable, SWT.NONE);
        col.getColumn().setText(title);
        col.getColumn().setWidth(width);
        col.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return text.apply((ServerView) element);
            }
        });
    }

    private static String problems(ServerView v) {
        String found = v.report().problems().stream().map(p -> (p.isError() ? "error: " : "warning: ") + p.path() + ": "
                + p.message()).collect(Collectors.joining("; "));
        String unpinned = v.unpinnedPartners().isEmpty() ? "" : "certificate not pinned: " + String.join(", ", v.unpinnedPartners());
        return found.isEmpty() ? unpinned.isEmpty() ? "none" : unpinned : unpinned.isEmpty() ? found : found + "; " + unpinned;
    }

    /** Reads the file and makes the views again; the page says what stops the export. */
    private void update() {
        views = List.of();
        edited = null;
        String error = null;
        String text = file.getText().strip();
        if (text.isEmpty()) {
            error = "Choose the configuration file to export.";
        } else {
            try {
                edited = ConfigurationFile.read(Path.of(text));
                views = ServerViews.of(edited, address.getText(), certificate.getText());
                List<String> broken = views.stream().filter(v -> v.report().hasErrors()).map(ServerView::symbol).toList();
                if (!broken.isEmpty()) {
                    error = "The views of " + String.join(", ", broken) + " have errors (see Problems): fix them in the "
                            + "configuration first.";
                }
            } catch (ConfigurationReadException e) {
                error = e.getMessage();
            } catch (IllegalArgumentException e) {
                error = e.getMessage();
            }
        }
        String folder = project.getText().strip();
        if (error == null && !folder.isEmpty() && !Files.isDirectory(Path.of(folder))) {
            error = folder + " is not a folder: choose the SCADA project's folder, or leave it empty.";
        }
        viewsTable.setInput(views);
        setErrorMessage(error);
        setPageComplete(error == null);
    }

    /** Sets every field at once (tests and callers that know the answers). */
    public void set(Path configuration, String thisAddress, String thisCertificate, Path projectFolder) {
        file.setText(configuration.toString());
        address.setText(thisAddress);
        certificate.setText(thisCertificate);
        project.setText(projectFolder == null ? "" : projectFolder.toString());
    }

    /** The configuration as edited, or null when it cannot be read. */
    public RedundancyConfiguration edited() {
        return edited;
    }

    /** The views of the current fields (empty when they make none). */
    public List<ServerView> views() {
        return views;
    }

    /** The rows of the views table, as shown. */
    public TableViewer viewsTable() {
        return viewsTable;
    }

    String thisAddress() {
        return address.getText().strip();
    }

    String thisCertificate() {
        return certificate.getText().strip();
    }

    /** The project folder, or null for none. */
    Path project() {
        String p = project.getText().strip();
        return p.isEmpty() ? null : Path.of(p);
    }
}
