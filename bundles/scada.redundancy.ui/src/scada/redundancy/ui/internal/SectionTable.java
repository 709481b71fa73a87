package scada.redundancy.ui.internal;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.CellEditor;
import org.eclipse.jface.viewers.CheckboxCellEditor;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.ColumnViewerEditor;
import org.eclipse.jface.viewers.ColumnViewerEditorActivationEvent;
import org.eclipse.jface.viewers.ColumnViewerEditorActivationStrategy;
import org.eclipse.jface.viewers.ColumnViewerToolTipSupport;
import org.eclipse.jface.viewers.EditingSupport;
import org.eclipse.jface.viewers.FocusCellOwnerDrawHighlighter;
import org.eclipse.jface.viewers.ICellEditorListener;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.jface.viewers.TableViewerEditor;
import org.eclipse.jface.viewers.TableViewerFocusCellManager;
import org.eclipse.jface.viewers.TextCellEditor;
import org.eclipse.jface.window.ToolTip;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.ui.ISharedImages;
import org.eclipse.ui.PlatformUI;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.Problem;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.Severity;
import scada.redundancy.model.ValidationReport;
import scada.redundancy.ui.internal.Column.Kind;

/**
 * One section of the Redundancy screen as a JFace TableViewer built from column descriptors. Rows
 * are row numbers (-1 for This SCADA, else the partner's index); values come from the current
 * configuration. Editing goes through {@code change}; invalid number text is refused with a
 * message on {@code error}.
 */
public final class SectionTable {
    private final TableViewer viewer;
    private final List<Column> columns;
    private final Supplier<RedundancyConfiguration> config;
    private final Supplier<ValidationReport> report;
    private final Supplier<RuntimeStatusSource> runtime;

    /** A change of one cell: the new configuration and a label for the undo menu. */
    interface Change {
        void apply(String label, RedundancyConfiguration next);
    }

    SectionTable(Composite parent, List<Column> columns, Supplier<RedundancyConfiguration> config,
            Supplier<ValidationReport> report, Supplier<RuntimeStatusSource> runtime, Change change, Consumer<String> error) {
        this.runtime = runtime;
        this.columns = columns;
        this.config = config;
        this.report = report;
        viewer = new TableViewer(parent, SWT.BORDER | SWT.FULL_SELECTION | SWT.MULTI);
        viewer.getTable().setHeaderVisible(true);
        viewer.getTable().setLinesVisible(true);
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        ColumnViewerToolTipSupport.enableFor(viewer, ToolTip.NO_RECREATE);
        org.eclipse.swt.graphics.GC gc = new org.eclipse.swt.graphics.GC(viewer.getTable());
        int padding = 36; // the header's margins and bold font
        for (Column column : columns) {
            TableViewerColumn c = new TableViewerColumn(viewer, SWT.LEFT);
            c.getColumn().setText(column.title());
            c.getColumn().setToolTipText(column.tooltip());
            // Never narrower than its header: every column of the spec stays readable.
            c.getColumn().setWidth(Math.max(column.width(), gc.textExtent(column.title()).x + padding));
            c.setLabelProvider(new CellLabel(column));
            if (column.editable()) {
                c.setEditingSupport(new CellEditing(column, change, error));
            }
        }
        gc.dispose();
        TableViewerFocusCellManager focus = new TableViewerFocusCellManager(viewer, new FocusCellOwnerDrawHighlighter(viewer));
        ColumnViewerEditorActivationStrategy activation = new ColumnViewerEditorActivationStrategy(viewer) {
            @Override
            protected boolean isEditorActivationEvent(ColumnViewerEditorActivationEvent event) {
                return event.eventType == ColumnViewerEditorActivationEvent.TRAVERSAL
                        || event.eventType == ColumnViewerEditorActivationEvent.MOUSE_DOUBLE_CLICK_SELECTION
                        || event.eventType == ColumnViewerEditorActivationEvent.KEY_PRESSED && event.keyCode == SWT.CR
                        || event.eventType == ColumnViewerEditorActivationEvent.PROGRAMMATIC;
            }
        };
        TableViewerEditor.create(viewer, focus, activation, ColumnViewerEditor.TABBING_HORIZONTAL
                | ColumnViewerEditor.TABBING_MOVE_TO_ROW_NEIGHBOR | ColumnViewerEditor.TABBING_VERTICAL
                | ColumnViewerEditor.KEYBOARD_ACTIVATION);
    }

    public TableViewer viewer() {
        return viewer;
    }

    public List<Column> columns() {
        return columns;
    }

    /** The problems of one cell, for its decoration and tooltip. */
    public List<Problem> problems(Column column, int row) {
        return column.field() == null ? List.of() : report.get().at(column.field(), row);
    }

    private final class CellLabel extends ColumnLabelProvider {
        private final Column column;

        CellLabel(Column column) {
            this.column = column;
        }

        @Override
        public String getText(Object element) {
            if (column.kind() == Kind.STATUS) {
                return Columns.status(column, config.get(), (Integer) element, runtime.get());
            }
            String text = Columns.text(column, config.get(), (Integer) element);
            String live = liveDatabase(column);
            // This SCADA's Database is a setting and a status: what is configured, then what the runtime says of it.
            return live == null ? text : text + "  \u2014 " + live;
        }

        /** The followed runtime's This SCADA Database status for that column, or null. */
        private String liveDatabase(Column column) {
            RuntimeStatusSource source = runtime.get();
            if (column.field() != ConfigField.THIS_DATABASE || source == null) {
                return null;
            }
            String live = source.thisScada("Database");
            return live.isEmpty() || live.equals(source.state()) ? null : live; // no status yet: nothing to add
        }

        @Override
        public Image getImage(Object element) {
            List<Problem> problems = problems(column, (Integer) element);
            if (problems.isEmpty()) {
                return null;
            }
            boolean error = problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
            return PlatformUI.getWorkbench().getSharedImages()
                    .getImage(error ? ISharedImages.IMG_OBJS_ERROR_TSK : ISharedImages.IMG_OBJS_WARN_TSK);
        }

        @Override
        public String getToolTipText(Object element) {
            if (column.kind() == Kind.STATUS) {
                return column.tooltip() + "\n" + Columns.status(column, config.get(), (Integer) element, runtime.get());
            }
            List<Problem> problems = problems(column, (Integer) element);
            String live = liveDatabase(column);
            String tip = live == null ? column.tooltip() : column.tooltip() + "\nRuntime: " + live;
            return problems.isEmpty() ? tip
                    : problems.stream().map(p -> p.message() + " " + p.howToFix()).collect(Collectors.joining("\n"));
        }
    }

    private final class CellEditing extends EditingSupport {
        private final Column column;
        private final Change change;
        private final Consumer<String> error;
        private final CellEditor editor;

        CellEditing(Column column, Change change, Consumer<String> error) {
            super(viewer);
            this.column = column;
            this.change = change;
            this.error = error;
            if (column.kind() == Kind.CHECK) {
                editor = new CheckboxCellEditor(viewer.getTable());
            } else {
                editor = new TextCellEditor(viewer.getTable());
                if (column.kind() == Kind.NUMBER) {
                    editor.setValidator(value -> parse((String) value) == null
                            ? column.title() + ": \"" + value + "\" is not a whole number" : null);
                    editor.addListener(new ICellEditorListener() {
                        @Override
                        public void applyEditorValue() {
                        }

                        @Override
                        public void cancelEditor() {
                            error.accept(null);
                        }

                        @Override
                        public void editorValueChanged(boolean oldValidState, boolean newValidState) {
                            error.accept(newValidState ? null : editor.getErrorMessage());
                        }
                    });
                }
            }
        }

        @Override
        protected CellEditor getCellEditor(Object element) {
            return editor;
        }

        @Override
        protected boolean canEdit(Object element) {
            return true;
        }

        @Override
        protected Object getValue(Object element) {
            Object v = column.get().apply(config.get(), (Integer) element);
            return column.kind() == Kind.CHECK ? v : String.valueOf(v);
        }

        @Override
        protected void setValue(Object element, Object value) {
            Object typed = value;
            if (column.kind() == Kind.NUMBER) {
                typed = parse((String) value);
                if (typed == null) {
                    error.accept(column.title() + ": \"" + value + "\" is not a whole number; the value stays as it was");
                    return;
                }
            }
            RedundancyConfiguration current = config.get();
            if (column.get().apply(current, (Integer) element).equals(typed)) {
                return;
            }
            error.accept(null);
            change.apply("Change " + column.title(), column.set().apply(current, (Integer) element, typed));
        }
    }

    static Integer parse(String text) {
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }
}
