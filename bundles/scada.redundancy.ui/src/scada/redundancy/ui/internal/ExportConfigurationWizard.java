package scada.redundancy.ui.internal;

import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.SubMonitor;
import org.eclipse.jface.operation.IRunnableWithProgress;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.wizard.Wizard;
import org.eclipse.ui.IExportWizard;
import org.eclipse.ui.IWorkbench;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ServerView;
import scada.redundancy.model.ServerViews;
import scada.redundancy.runtime.client.MonitorClient;
import scada.redundancy.runtime.deploy.DeployResult;
import scada.redundancy.runtime.deploy.Deployer;
import scada.redundancy.runtime.deploy.Deployment;
import scada.redundancy.runtime.deploy.DeploymentFolders;

/**
 * File > Export > SCADA > Redundancy Configuration: deploy by export from the studio. The
 * configuration as edited becomes one view per server ({@link ServerViews}, shown with their
 * problems), which are written to a folder per server or pushed to the running servers, with a
 * cancellable progress monitor; the last page shows each server's result. The work is the
 * command line's ({@code deploy}): the same model and client code, only the widgets differ.
 */
public final class ExportConfigurationWizard extends Wizard implements IExportWizard {
    private ExportSourcePage source;
    private ExportDestinationPage destination;
    private ExportResultsPage results;
    private IStructuredSelection selection;
    private boolean done;

    public ExportConfigurationWizard() {
        setWindowTitle("Export Redundancy Configuration");
        setNeedsProgressMonitor(true);
    }

    @Override
    public void init(IWorkbench workbench, IStructuredSelection s) {
        this.selection = s;
    }

    @Override
    public void addPages() {
        source = new ExportSourcePage(selectedFile());
        destination = new ExportDestinationPage();
        results = new ExportResultsPage();
        addPage(source);
        addPage(destination);
        addPage(results);
    }

    /** The configuration file selected when the wizard was opened, or null. */
    private Path selectedFile() {
        if (selection == null) {
            return null;
        }
        for (Object o : selection.toList()) {
            IFile f = o instanceof IFile file ? file : null;
            if (f != null && ConfigurationFile.FILE_EXTENSION.equals(f.getFileExtension()) && f.getLocation() != null) {
                return f.getLocation().toFile().toPath();
            }
        }
        return null;
    }

    @Override
    public boolean canFinish() {
        return done || source.isPageComplete() && destination.isPageComplete();
    }

    @Override
    public boolean performFinish() {
        if (done) {
            return true; // the results were seen: close
        }
        List<ServerView> views = source.views();
        scada.redundancy.model.RedundancyConfiguration edited = source.edited();
        Path project = source.project();
        String thisAddress = source.thisAddress();
        String certificate = source.thisCertificate();
        Path out = destination.folder();
        Path identity = destination.identity();
        boolean partial = destination.partial();
        List<DeployResult> outcome = new ArrayList<>();
        IRunnableWithProgress work = monitor -> {
            try {
                outcome.addAll(out != null ? write(views, project, out, monitor)
                        : push(edited, views, project, thisAddress, certificate, identity, partial, monitor));
            } catch (Exception e) {
                throw new InvocationTargetException(e);
            }
        };
        try {
            getContainer().run(true, true, work);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            destination.setErrorMessage(cause.getMessage() == null ? cause.toString() : cause.getMessage());
            return false;
        } catch (InterruptedException e) {
            destination.setErrorMessage("canceled before anything was deployed");
            return false;
        }
        done = true;
        results.show(outcome, out != null);
        getContainer().showPage(results);
        getContainer().updateButtons();
        return false; // stay open on the results; Finish again closes
    }

    private static List<DeployResult> write(List<ServerView> views, Path project, Path out, IProgressMonitor monitor)
            throws Exception {
        SubMonitor progress = SubMonitor.convert(monitor, "Writing a folder per server to " + out, 2);
        List<Deployment> deployments = Deployment.of(views, project);
        progress.worked(1);
        if (progress.isCanceled()) {
            throw new InterruptedException();
        }
        return DeploymentFolders.write(out, deployments);
    }

    private static List<DeployResult> push(scada.redundancy.model.RedundancyConfiguration edited, List<ServerView> views, Path project, String thisAddress, String certificate,
            Path identity, boolean partial, IProgressMonitor monitor) throws Exception {
        SubMonitor progress = SubMonitor.convert(monitor, "Pushing to the running servers", views.size() + 2);
        try (MonitorClient client = MonitorClient.open(identity, "duplex-studio", pinned(views, certificate), 3000)) {
            List<ServerView> pushed = views;
            if (certificate.isBlank()) {
                // This SCADA's certificate is pinned in the others' views: asked of the running server.
                ServerView self = views.get(0);
                progress.subTask("Asking " + self.symbol() + " for its certificate");
                pushed = ServerViews.of(edited, thisAddress, certificateOf(client, self, identity));
            }
            progress.worked(1);
            List<Deployment> deployments = Deployment.of(pushed, project);
            progress.worked(1);
            return Deployer.push(client, deployments, Map.of(), 25_000, partial, new Deployer.Progress() {
                @Override
                public void checking(Deployment d, InetSocketAddress at) {
                    progress.subTask("Checking the deployment on " + d.symbol() + " at " + at.getHostString() + ":"
                            + at.getPort());
                }

                @Override
                public void pushing(Deployment d, InetSocketAddress at) {
                    progress.subTask("Pushing to " + d.symbol() + " at " + at.getHostString() + ":" + at.getPort());
                }

                @Override
                public void pushed(DeployResult r) {
                    progress.worked(1);
                }

                @Override
                public boolean canceled() {
                    return progress.isCanceled();
                }
            });
        }
    }

    /**
     * This SCADA's certificate fingerprint, asked of the running server over TLS; when it cannot be
     * asked (the studio's identity does not trust that server yet, or it does not answer), a
     * sentence that says what to do instead.
     */
    private static String certificateOf(MonitorClient client, ServerView self, Path identity) throws Exception {
        InetSocketAddress at = new InetSocketAddress(self.address(), self.configuration().thisScada().port());
        String where = self.symbol() + " at " + self.address() + ":" + at.getPort();
        String why;
        try {
            return client.certificateOf(at).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            why = e.getCause() == null || e.getCause().getMessage() == null ? String.valueOf(e.getCause()) : e.getCause().getMessage();
        } catch (TimeoutException e) {
            why = "no answer within 10 s";
        }
        throw new IllegalStateException("Cannot ask " + where + " for its certificate: " + why + ". Nothing was pushed. "
                + "Fill in This SCADA's certificate SHA-256 on the first page (scada-redundancy fingerprint --data DIR "
                + "prints it), or approve " + self.symbol() + "'s certificate in the studio's identity: scada-redundancy "
                + "trust --data " + identity + " --as partner --symbol " + self.symbol() + " FINGERPRINT.");
    }

    /** The servers' certificates the views pin: the studio trusts the servers its configuration pins. */
    private static java.util.Set<String> pinned(List<ServerView> views, String certificate) {
        java.util.Set<String> all = new java.util.HashSet<>();
        for (ServerView v : views) {
            v.configuration().partners().stream().map(p -> p.normalizedCertificateSha256()).filter(f -> !f.isEmpty())
                    .forEach(all::add);
        }
        if (!certificate.isBlank()) {
            all.add(scada.redundancy.runtime.tls.TrustStore.normalize(certificate));
        }
        return all;
    }

    /** The pages, for tests. */
    public ExportSourcePage sourcePage() {
        return source;
    }

    public ExportDestinationPage destinationPage() {
        return destination;
    }

    public ExportResultsPage resultsPage() {
        return results;
    }
}
