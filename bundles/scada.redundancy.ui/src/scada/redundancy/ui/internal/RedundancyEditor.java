package scada.redundancy.ui.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.IntStream;

import org.eclipse.core.commands.ExecutionException;
import org.eclipse.core.commands.operations.IOperationHistory;
import org.eclipse.core.commands.operations.IUndoContext;
import org.eclipse.core.commands.operations.ObjectUndoContext;
import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.resources.IResourceChangeEvent;
import org.eclipse.core.resources.IResourceChangeListener;
import org.eclipse.core.resources.IResourceDelta;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.widgets.Display;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IEditorSite;
import org.eclipse.ui.IFileEditorInput;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.actions.ActionFactory;
import org.eclipse.ui.operations.RedoActionHandler;
import org.eclipse.ui.operations.UndoActionHandler;
import org.eclipse.ui.part.EditorPart;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.ValidationReport;

/**
 * The Redundancy editor: "This SCADA" and "Partners" as two tables with the spec's columns. The
 * model is immutable: every edit replaces the configuration through an operation in the
 * workbench history (Ctrl+Z / Ctrl+Y), and the editor is dirty while it differs from the file.
 */
public final class RedundancyEditor extends EditorPart implements IResourceChangeListener {
    public static final String ID = "scada.redundancy.ui.editor";

    private IFile file;
    private RedundancyConfiguration saved;
    private RedundancyConfiguration config;
    private ValidationReport report;
    private String loadError;
    private IUndoContext undoContext;
    private SectionTable thisScada;
    private SectionTable partners;
    private Label message;
    private RuntimeStatusSource runtime;
    private org.eclipse.swt.widgets.Text runtimeAddress;
    private org.eclipse.swt.widgets.Text runtimeIdentity;
    private Label runtimeState;
    private volatile String lastActionResult = "";
    /** The identity of the last runtime connection, also used for Try To Connect and Verify. */
    private java.nio.file.Path identity;
    /** The file's modification stamp after our own load or save: other changes are external. */
    private long knownStamp;

    @Override
    public void init(IEditorSite site, IEditorInput input) throws PartInitException {
        if (!(input instanceof IFileEditorInput fileInput)) {
            throw new PartInitException("The Redundancy editor opens *.scadaredundancy files of a project");
        }
        setSite(site);
        setInput(input);
        file = fileInput.getFile();
        setPartName(file.getName());
        undoContext = new ObjectUndoContext(this, file.getName());
        try (InputStream in = file.getContents(true)) {
            config = ConfigurationFile.parse(in.readAllBytes(), file.getFullPath().toString()).configuration();
            saved = config;
            knownStamp = file.getModificationStamp();
        } catch (ConfigurationReadException e) {
            loadError = e.getMessage();
        } catch (CoreException | IOException e) {
            throw new PartInitException(file.getFullPath() + " cannot be read: " + e.getMessage(), e);
        }
        ResourcesPlugin.getWorkspace().addResourceChangeListener(this, IResourceChangeEvent.POST_CHANGE);
        site.getActionBars().setGlobalActionHandler(ActionFactory.UNDO.getId(), new UndoActionHandler(site, undoContext));
        site.getActionBars().setGlobalActionHandler(ActionFactory.REDO.getId(), new RedoActionHandler(site, undoContext));
    }

    @Override
    public void createPartControl(Composite parent) {
        GridLayoutFactory.fillDefaults().margins(8, 8).applyTo(parent);
        message = new Label(parent, SWT.WRAP);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(message);
        if (loadError != null) {
            message.setText("This file cannot be opened as a redundancy configuration:\n" + loadError
                    + "\n\nFix it in a text editor (Open With > Text Editor); nothing was changed.");
            return;
        }
        report = ConfigurationValidator.validate(config);
        runtime = new RuntimeStatusSource(parent.getDisplay(), this::runtimeChanged);
        runtimeBar(parent);
        section(parent, "This SCADA");
        thisScada = new SectionTable(parent, Columns.THIS_SCADA, () -> config, () -> report, () -> runtime, this::change,
                this::showError);
        GridDataFactory.fillDefaults().grab(true, false).hint(SWT.DEFAULT, 60).applyTo(thisScada.viewer().getControl());
        section(parent, "Partners");
        partners = new SectionTable(parent, Columns.PARTNERS, () -> config, () -> report, () -> runtime, this::change,
                this::showError);
        contextMenu();
        actionLinks(thisScada, true);
        actionLinks(partners, false);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(partners.viewer().getControl());
        partners.viewer().getControl().addListener(SWT.KeyDown, e -> {
            if (e.keyCode == SWT.DEL) {
                removeSelectedPartners();
            }
        });
        buttons(parent);
        refresh();
        if (RuntimePreferences.store().getBoolean(RuntimePreferences.AUTO_CONNECT)) {
            connectFromBar();
        }
    }

    /** Where the studio follows a running server's live status (the status columns). */
    private void runtimeBar(Composite parent) {
        Composite bar = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(6).applyTo(bar);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(bar);
        new Label(bar, SWT.NONE).setText("Runtime (ADDR:PORT):");
        org.eclipse.jface.preference.IPreferenceStore prefs = RuntimePreferences.store();
        runtimeAddress = new org.eclipse.swt.widgets.Text(bar, SWT.BORDER);
        runtimeAddress.setMessage("127.0.0.1:" + config.thisScada().port());
        runtimeAddress.setText(prefs.getString(RuntimePreferences.ADDRESS));
        GridDataFactory.fillDefaults().hint(160, SWT.DEFAULT).applyTo(runtimeAddress);
        new Label(bar, SWT.NONE).setText("Identity:");
        runtimeIdentity = new org.eclipse.swt.widgets.Text(bar, SWT.BORDER);
        runtimeIdentity.setMessage(RuntimePreferences.defaultIdentity().toString());
        runtimeIdentity.setText(prefs.getString(RuntimePreferences.IDENTITY));
        GridDataFactory.fillDefaults().hint(220, SWT.DEFAULT).applyTo(runtimeIdentity);
        Button connect = new Button(bar, SWT.PUSH);
        connect.setText("Connect");
        connect.addListener(SWT.Selection, e -> connectFromBar());
        runtimeState = new Label(bar, SWT.NONE);
        runtimeState.setText(Columns.NO_RUNTIME);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(runtimeState);
    }

    /** Follows the runtime the bar names (its hint, 127.0.0.1 at the file's port, when empty). */
    private void connectFromBar() {
        connectRuntime(runtimeAddress.getText().isBlank() ? runtimeAddress.getMessage() : runtimeAddress.getText(),
                barIdentity());
    }

    /** The identity directory the bar names, or the default one. */
    private java.nio.file.Path barIdentity() {
        return runtimeIdentity == null || runtimeIdentity.getText().isBlank() ? RuntimePreferences.defaultIdentity()
                : java.nio.file.Path.of(runtimeIdentity.getText());
    }

    /** Follows the runtime at ADDR:PORT; the status columns show its live status from now on. */
    public void connectRuntime(String endpoint, java.nio.file.Path identity) {
        try {
            java.net.InetSocketAddress parsed = RuntimePreferences.parseEndpoint(endpoint);
            java.net.InetSocketAddress address = new java.net.InetSocketAddress(parsed.getHostString(), parsed.getPort());
            this.identity = identity;
            if (runtimeAddress != null && !runtimeAddress.isDisposed() && !endpoint.equals(runtimeAddress.getText())) {
                runtimeAddress.setText(endpoint); // This SCADA's Try To Connect goes where the editor follows
            }
            runtime.connect(address, identity, pinnedFingerprints());
        } catch (Exception e) {
            showError("Cannot follow the runtime at " + endpoint + ": " + e.getMessage());
        }
    }

    private java.util.Set<String> pinnedFingerprints() {
        java.util.Set<String> pins = new java.util.HashSet<>();
        config.partners().forEach(p -> {
            if (!p.normalizedCertificateSha256().isEmpty()) {
                pins.add(p.normalizedCertificateSha256());
            }
        });
        return pins;
    }

    private void runtimeChanged() {
        if (thisScada == null || thisScada.viewer().getControl().isDisposed()) {
            return;
        }
        String state = runtime.state();
        runtimeState.setText(state.isEmpty() ? "live: " + runtime.status().symbol() + " is " + runtime.status().role().jsonName()
                : state);
        runtimeState.getParent().layout(true);
        refresh();
    }

    /** The Try To Connect and Verify cells are links: a click runs the action for that row. */
    private void actionLinks(SectionTable table, boolean thisRow) {
        table.viewer().getTable().addListener(SWT.MouseUp, e -> {
            org.eclipse.jface.viewers.ViewerCell cell = table.viewer().getCell(new org.eclipse.swt.graphics.Point(e.x, e.y));
            if (cell == null) {
                return;
            }
            String title = table.columns().get(cell.getColumnIndex()).title();
            if (!Columns.ACTIONS.contains(title)) {
                return;
            }
            int row = (Integer) cell.getElement();
            if (thisRow) {
                tryToConnectThisScada();
            } else if ("Verify".equals(title)) {
                verify(row);
            } else {
                tryToConnect(row);
            }
        });
    }

    /** This SCADA's Try To Connect: the handshake with the local runtime at the Runtime address. */
    public org.eclipse.core.runtime.jobs.Job tryToConnectThisScada() {
        String endpoint = runtimeAddress.getText().isBlank() ? runtimeAddress.getMessage() : runtimeAddress.getText();
        return actionJob("Try To Connect to " + endpoint, client -> {
            int colon = endpoint.lastIndexOf(':');
            scada.redundancy.runtime.ConnectResult r = await(client.tryToConnect(new java.net.InetSocketAddress(
                    endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1).strip()))));
            return config.thisScada().symbol() + " at " + endpoint + ": " + (r.connected() ? r.detail()
                    : "NOT connected (" + r.failure().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "): " + r.detail());
        });
    }

    /** Waits for an answer, giving up early when the user cancels the Job. */
    private static <T> T await(java.util.concurrent.CompletableFuture<T> answer) throws Exception {
        org.eclipse.core.runtime.IProgressMonitor monitor = CURRENT_MONITOR.get();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                return answer.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (monitor != null && monitor.isCanceled()) {
                    answer.cancel(true);
                    throw new org.eclipse.core.runtime.OperationCanceledException();
                }
                if (System.nanoTime() > deadline) {
                    throw new java.util.concurrent.TimeoutException("no answer within 15 s");
                }
            }
        }
    }

    private static final ThreadLocal<org.eclipse.core.runtime.IProgressMonitor> CURRENT_MONITOR = new ThreadLocal<>();

    private void contextMenu() {
        org.eclipse.jface.action.MenuManager menu = new org.eclipse.jface.action.MenuManager();
        menu.setRemoveAllWhenShown(true);
        menu.addMenuListener(m -> {
            int row = selectedPartner();
            m.add(action("Try To Connect", row >= 0, () -> tryToConnect(row)));
            m.add(action("Verify", row >= 0, () -> verify(row)));
            m.add(new org.eclipse.jface.action.Separator());
            m.add(action("Add Partner", true, this::addPartner));
            m.add(action("Duplicate", row >= 0, this::duplicateSelectedPartner));
            m.add(action("Remove", row >= 0, this::removeSelectedPartners));
        });
        partners.viewer().getControl().setMenu(menu.createContextMenu(partners.viewer().getControl()));
    }

    private static org.eclipse.jface.action.IAction action(String text, boolean enabled, Runnable run) {
        org.eclipse.jface.action.Action a = new org.eclipse.jface.action.Action(text) {
            @Override
            public void run() {
                run.run();
            }
        };
        a.setEnabled(enabled);
        return a;
    }

    /**
     * Try To Connect from the studio itself (no runtime needed): the handshake with the partner
     * at its address, as a Job with progress and cancellation; the result shows in the editor.
     */
    public org.eclipse.core.runtime.jobs.Job tryToConnect(int row) {
        Partner p = config.partners().get(row);
        return actionJob("Try To Connect to " + p.symbol(), client -> {
            scada.redundancy.runtime.ConnectResult r = await(client.tryToConnect(
                    new java.net.InetSocketAddress(p.ipAddress(), p.port())));
            return p.symbol() + ": " + (r.connected() ? r.detail()
                    : "NOT connected (" + r.failure().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "): "
                            + r.detail() + "; this studio's fingerprint is " + client.fingerprint());
        });
    }

    /** Verify: the partner's running configuration against the one being edited, every difference listed. */
    public org.eclipse.core.runtime.jobs.Job verify(int row) {
        RedundancyConfiguration mine = config;
        Partner p = mine.partners().get(row);
        return actionJob("Verify " + p.symbol(), client -> {
            scada.redundancy.runtime.VerifyResult r = await(client.verify(mine, p));
            return r.verified() ? p.symbol() + ": Verified"
                    : p.symbol() + ": Not Verified\n - " + String.join("\n - ", r.differences());
        });
    }

    private interface ClientAction {
        String run(scada.redundancy.runtime.client.MonitorClient client) throws Exception;
    }

    private org.eclipse.core.runtime.jobs.Job actionJob(String name, ClientAction action) {
        java.nio.file.Path identity = this.identity != null ? this.identity : barIdentity();
        java.util.Set<String> pins = pinnedFingerprints();
        org.eclipse.core.runtime.jobs.Job job = org.eclipse.core.runtime.jobs.Job.create(name, monitor -> {
            monitor.beginTask(name, org.eclipse.core.runtime.IProgressMonitor.UNKNOWN);
            CURRENT_MONITOR.set(monitor);
            String result;
            try (scada.redundancy.runtime.client.MonitorClient client = scada.redundancy.runtime.client.MonitorClient
                    .open(identity, "studio", pins, 5000)) {
                result = action.run(client);
            } catch (java.util.concurrent.ExecutionException e) {
                result = name + " failed: " + e.getCause().getMessage();
            } catch (org.eclipse.core.runtime.OperationCanceledException e) {
                result = name + ": cancelled";
            } catch (Exception e) {
                result = name + " failed: " + e.getMessage();
            } finally {
                CURRENT_MONITOR.remove();
            }
            lastActionResult = result;
            String shown = result;
            if (!message.isDisposed()) {
                message.getDisplay().asyncExec(() -> {
                    if (!message.isDisposed()) {
                        message.setText(shown);
                        message.getParent().layout(true);
                    }
                });
            }
            monitor.done();
        });
        job.setUser(true);
        job.schedule();
        return job;
    }

    /** The result of the last Try To Connect or Verify, for tests and screen readers. */
    public String lastActionResult() {
        return lastActionResult;
    }

    /** The live status source, for tests. */
    public RuntimeStatusSource runtime() {
        return runtime;
    }

    private static void section(Composite parent, String title) {
        Label label = new Label(parent, SWT.NONE);
        label.setText(title);
    }

    private void buttons(Composite parent) {
        Composite row = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(6).applyTo(row);
        button(row, "Add Partner", this::addPartner);
        button(row, "Duplicate", this::duplicateSelectedPartner);
        button(row, "Remove", this::removeSelectedPartners);
        button(row, "Up", () -> moveSelectedPartner(-1));
        button(row, "Down", () -> moveSelectedPartner(1));
        button(row, "Revert", this::revert);
    }

    private static void button(Composite row, String text, Runnable action) {
        Button b = new Button(row, SWT.PUSH);
        b.setText(text);
        b.addListener(SWT.Selection, e -> action.run());
    }

    // ---- edits: each one an undoable operation ----

    /** Applies a changed configuration as one undoable operation. */
    public void change(String label, RedundancyConfiguration next) {
        if (next.equals(config)) {
            return;
        }
        IOperationHistory history = PlatformUI.getWorkbench().getOperationSupport().getOperationHistory();
        try {
            history.execute(new ConfigurationEdit(label, undoContext, config, next, this::show), null, null);
        } catch (ExecutionException e) {
            showError(label + " failed: " + e.getMessage());
        }
    }

    public void addPartner() {
        Partner p = config.newPartner();
        change("Add Partner", config.withPartnerAdded(config.partners().size(), p));
        partners.viewer().getTable().setSelection(config.partners().size() - 1);
    }

    public void duplicateSelectedPartner() {
        int i = selectedPartner();
        if (i < 0) {
            return;
        }
        Partner template = config.newPartner();
        Partner copy = config.partners().get(i).withNo(template.no()).withSymbol(template.symbol());
        change("Duplicate Partner", config.withPartnerAdded(i + 1, copy));
    }

    public void removeSelectedPartners() {
        int[] rows = partners.viewer().getTable().getSelectionIndices();
        if (rows.length == 0) {
            return;
        }
        RedundancyConfiguration next = config;
        for (int k = rows.length - 1; k >= 0; k--) {
            next = next.withPartnerRemoved(rows[k]);
        }
        change(rows.length == 1 ? "Remove Partner" : "Remove Partners", next);
    }

    public void moveSelectedPartner(int by) {
        int i = selectedPartner();
        int to = i + by;
        if (i < 0 || to < 0 || to >= config.partners().size()) {
            return;
        }
        change("Move Partner", config.withPartnerMoved(i, to));
        partners.viewer().getTable().setSelection(to);
    }

    private int selectedPartner() {
        IStructuredSelection s = partners.viewer().getStructuredSelection();
        return s.isEmpty() ? -1 : (Integer) s.getFirstElement();
    }

    private void show(RedundancyConfiguration next) {
        config = next;
        report = ConfigurationValidator.validate(config);
        refresh();
        firePropertyChange(PROP_DIRTY);
    }

    private void refresh() {
        if (thisScada == null) {
            return;
        }
        thisScada.viewer().setInput(List.of(-1));
        partners.viewer().setInput(IntStream.range(0, config.partners().size()).boxed().toList());
        long errors = report.errors().size();
        long warnings = report.warnings().size();
        String live = runtime == null || !runtime.state().isEmpty() ? " Live status: " + (runtime == null ? Columns.NO_RUNTIME
                : runtime.state()) + "." : " Live status from " + runtime.status().symbol() + ".";
        message.setText((errors + warnings == 0 ? "The configuration is valid."
                : errors + " error(s), " + warnings + " warning(s): hover over a marked cell to see what is wrong and how to fix it.")
                + live);
        message.getParent().layout(true);
    }

    private void showError(String text) {
        getEditorSite().getActionBars().getStatusLineManager().setErrorMessage(text);
    }

    // ---- saving ----

    @Override
    public void doSave(IProgressMonitor monitor) {
        try {
            byte[] bytes = ConfigurationFile.toBytes(config);
            if (file.exists()) {
                file.setContents(new ByteArrayInputStream(bytes), IResource.KEEP_HISTORY, monitor);
            } else {
                file.create(new ByteArrayInputStream(bytes), true, monitor); // deleted while edited: written again
            }
            saved = config;
            knownStamp = file.getModificationStamp();
            firePropertyChange(PROP_DIRTY);
        } catch (CoreException e) {
            showError(file.getFullPath() + " could not be saved: " + e.getMessage());
        }
    }

    @Override
    public void doSaveAs() {
        throw new UnsupportedOperationException("Save As is not offered for a redundancy configuration");
    }

    @Override
    public boolean isSaveAsAllowed() {
        return false;
    }

    @Override
    public boolean isDirty() {
        return config != null && !config.equals(saved);
    }

    @Override
    public void setFocus() {
        if (partners != null) {
            partners.viewer().getControl().setFocus();
        } else {
            message.setFocus();
        }
    }

    /**
     * The file on disk is the truth: an external change reloads an editor without unsaved edits;
     * with unsaved edits the user is asked which to keep.
     */
    @Override
    public void resourceChanged(IResourceChangeEvent event) {
        IResourceDelta delta = event.getDelta() == null ? null : event.getDelta().findMember(file.getFullPath());
        if (delta != null && delta.getKind() == IResourceDelta.REMOVED) {
            removed(delta);
            return;
        }
        if (delta == null || (delta.getFlags() & IResourceDelta.CONTENT) == 0 || config == null) {
            return;
        }
        Display display = getSite().getShell().getDisplay();
        display.asyncExec(() -> {
            if (thisScada == null || thisScada.viewer().getControl().isDisposed()
                    || file.getModificationStamp() == knownStamp) {
                return;
            }
            if (isDirty() && !MessageDialog.openQuestion(getSite().getShell(), "File Changed",
                    file.getName() + " was changed on disk. Replace your unsaved edits with the file's content?")) {
                knownStamp = file.getModificationStamp();
                return;
            }
            reload();
        });
    }

    /**
     * The file was renamed or moved: the editor follows it, as Eclipse's editors do. It was
     * deleted: an editor without unsaved edits closes; one with unsaved edits stays open and says
     * that Save writes the file again.
     */
    private void removed(IResourceDelta delta) {
        Display display = getSite().getShell().getDisplay();
        if ((delta.getFlags() & IResourceDelta.MOVED_TO) != 0) {
            IFile moved = ResourcesPlugin.getWorkspace().getRoot().getFile(delta.getMovedToPath());
            display.asyncExec(() -> {
                file = moved;
                setInputWithNotify(new org.eclipse.ui.part.FileEditorInput(moved));
                setPartName(moved.getName());
                knownStamp = moved.getModificationStamp();
            });
            return;
        }
        display.asyncExec(() -> {
            if (file.exists()) {
                return;
            }
            if (isDirty()) {
                showError(file.getFullPath() + " was deleted; Save writes it again with your edits.");
            } else {
                getSite().getPage().closeEditor(this, false);
            }
        });
    }

    /** Double-click on a problem in the Problems view: the editor shows that row and its column. */
    @Override
    public <T> T getAdapter(Class<T> adapter) {
        if (adapter == org.eclipse.ui.ide.IGotoMarker.class) {
            return adapter.cast((org.eclipse.ui.ide.IGotoMarker) this::gotoMarker);
        }
        return super.getAdapter(adapter);
    }

    private void gotoMarker(org.eclipse.core.resources.IMarker marker) {
        if (thisScada == null || thisScada.viewer().getControl().isDisposed()) {
            return;
        }
        int row = marker.getAttribute(ProblemMarkers.PARTNER_INDEX, -1);
        String field = marker.getAttribute(ProblemMarkers.FIELD, "");
        SectionTable table = row >= 0 ? partners : thisScada;
        table.viewer().setSelection(new org.eclipse.jface.viewers.StructuredSelection(Integer.valueOf(row)), true);
        List<Column> columns = table.columns();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).field() != null && columns.get(i).field().name().equals(field)) {
                table.viewer().getTable().showColumn(table.viewer().getTable().getColumn(i));
            }
        }
        table.viewer().getControl().setFocus();
    }

    /** Revert: drops the unsaved edits and shows the file's content. */
    public void revert() {
        if (isDirty()) {
            reload();
        }
    }

    /** Reloads from disk; an unreadable file keeps the editor's content and says why. */
    public void reload() {
        try (InputStream in = file.getContents(true)) {
            RedundancyConfiguration fromDisk = ConfigurationFile.parse(in.readAllBytes(), file.getFullPath().toString())
                    .configuration();
            knownStamp = file.getModificationStamp();
            saved = fromDisk;
            PlatformUI.getWorkbench().getOperationSupport().getOperationHistory().dispose(undoContext, true, true, false);
            show(fromDisk);
        } catch (ConfigurationReadException e) {
            showError("The file on disk cannot be read, the editor keeps its content: " + e.getMessage());
        } catch (CoreException | IOException e) {
            showError(file.getFullPath() + " cannot be read: " + e.getMessage());
        }
    }

    @Override
    public void dispose() {
        if (runtime != null) {
            runtime.close();
        }
        ResourcesPlugin.getWorkspace().removeResourceChangeListener(this);
        PlatformUI.getWorkbench().getOperationSupport().getOperationHistory().dispose(undoContext, true, true, true);
        super.dispose();
    }

    // ---- for tests and other views ----

    public RedundancyConfiguration configuration() {
        return config;
    }

    public IUndoContext undoContext() {
        return undoContext;
    }

    public SectionTable thisScadaTable() {
        return thisScada;
    }

    public SectionTable partnersTable() {
        return partners;
    }

    public String loadError() {
        return loadError;
    }
}
