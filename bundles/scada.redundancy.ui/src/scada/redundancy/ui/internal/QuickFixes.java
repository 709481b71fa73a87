package scada.redundancy.ui.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Optional;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IResource;
import org.eclipse.ui.IMarkerResolution;
import org.eclipse.ui.IMarkerResolutionGenerator2;

import scada.redundancy.model.ConfigField;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.QuickFix;
import scada.redundancy.model.RedundancyConfiguration;

/** Quick fixes in the Problems view: the model's own QuickFix for the marker's field and row. */
public final class QuickFixes implements IMarkerResolutionGenerator2 {

    @Override
    public boolean hasResolutions(IMarker marker) {
        return fix(marker).isPresent();
    }

    @Override
    public IMarkerResolution[] getResolutions(IMarker marker) {
        return fix(marker).map(f -> new IMarkerResolution[] { new IMarkerResolution() {
            @Override
            public String getLabel() {
                return f.label();
            }

            @Override
            public void run(IMarker m) {
                apply((IFile) m.getResource(), f);
            }
        } }).orElse(new IMarkerResolution[0]);
    }

    private static Optional<QuickFix> fix(IMarker marker) {
        try {
            String field = marker.getAttribute(ProblemMarkers.FIELD, null);
            int row = marker.getAttribute(ProblemMarkers.PARTNER_INDEX, -1);
            if (field == null || !(marker.getResource() instanceof IFile file)) {
                return Optional.empty();
            }
            RedundancyConfiguration config = read(file);
            return ConfigurationValidator.validate(config).at(ConfigField.valueOf(field), row).stream()
                    .map(p -> p.quickFix()).flatMap(Optional::stream).findFirst();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static RedundancyConfiguration read(IFile file) throws Exception {
        try (InputStream in = file.getContents(true)) {
            return ConfigurationFile.parse(in.readAllBytes(), file.getName()).configuration();
        }
    }

    private static void apply(IFile file, QuickFix fix) {
        try {
            RedundancyConfiguration fixed = fix.applyTo(read(file));
            file.setContents(new ByteArrayInputStream(ConfigurationFile.toBytes(fixed)), IResource.KEEP_HISTORY, null);
        } catch (Exception e) {
            throw new IllegalStateException(file.getFullPath() + ": the quick fix could not be applied: " + e.getMessage(), e);
        }
    }
}
