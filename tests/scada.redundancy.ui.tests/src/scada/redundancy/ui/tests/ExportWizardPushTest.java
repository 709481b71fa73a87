package scada.redundancy.ui.tests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.core.resources.IFile;
import org.eclipse.core.resources.IProject;
import org.eclipse.core.resources.ResourcesPlugin;
import org.eclipse.jface.preference.IPreferenceStore;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import scada.redundancy.cli.harness.RedundancySet;
import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.runtime.RedundancyStatus;
import scada.redundancy.runtime.link.LinkProtocol;
import scada.redundancy.runtime.tls.LinkIdentity;
import scada.redundancy.runtime.tls.TrustStore;
import scada.redundancy.ui.internal.ExportConfigurationWizard;
import scada.redundancy.ui.internal.ExportDestinationPage;
import scada.redundancy.ui.internal.RuntimePreferences;

/**
 * File > Export > SCADA > Redundancy Configuration, pushed to two real running servers
 * (127.0.2.1-2) from a real workbench. The studio's identity (Window > Preferences > Duplex
 * Redundancy) is approved as operator on both servers: a timing change is applied by both without
 * a restart or a role change. Then an identity approved only as monitor pushes another change:
 * each server refuses it with the reason on the results page, and keeps its configuration and role.
 * Approved as operator on SCADA-A alone, it is stopped by SCADA-B's refusal before SCADA-A changes;
 * with "Apply on the servers that accept it" ticked, SCADA-A applies it and SCADA-B refuses.
 */
public class ExportWizardPushTest {
    private static final String PUSH_LABEL = "Push to the running servers";
    private RedundancySet set;
    private IProject project;
    private IFile config;
    private WizardDialog dialog;
    private Path studioIdentity;
    private String fingerprintA;

    @Before
    public void twoRunningServersAndTheStudiosIdentity() throws Exception {
        Path dir = RedundancySet.tempDir("duplex-ui-push-");
        set = RedundancySet.builder(dir, 2).timing(200, 600).build().startAll();
        set.awaitStable(Duration.ofSeconds(40));
        fingerprintA = LinkIdentity.loadOrCreate(set.server(0).data(), "SCADA-A").fingerprint();
        // The studio's own identity, approved as operator on both servers (scada-redundancy trust --as operator)
        studioIdentity = dir.resolve("studio");
        String studio = LinkIdentity.loadOrCreate(studioIdentity, "studio").fingerprint();
        for (int i = 0; i < 2; i++) {
            new TrustStore(set.server(i).data()).approve(studio, TrustStore.As.OPERATOR, null, "the studio of the test");
        }
        RuntimePreferences.store().setValue(RuntimePreferences.IDENTITY, studioIdentity.toString());

        project = ResourcesPlugin.getWorkspace().getRoot().getProject("push-plant");
        if (project.exists()) {
            project.delete(true, true, null);
        }
        project.create(null);
        project.open(null);
        config = project.getFile(ConfigurationFile.DEFAULT_FILE_NAME);
        config.create(new ByteArrayInputStream(Files.readAllBytes(set.config(0))), true, null); // SCADA-A's, as edited
    }

    @After
    public void stop() throws Exception {
        closeDialog();
        IPreferenceStore store = RuntimePreferences.store();
        store.setToDefault(RuntimePreferences.IDENTITY);
        if (project != null) {
            project.delete(true, true, null);
        }
        if (set != null) {
            set.close();
        }
    }

    @Test
    public void aTimingChangeIsPushedToBothThenRefusalsStopThePushUnlessAppliedWhereAccepted() throws Exception {
        List<RedundancyStatus> before = List.of(set.status(0), set.status(1));
        List<Long> pids = List.of(set.server(0).pid(), set.server(1).pid());
        saveTimings(250, 900);

        // This SCADA's certificate left empty: the wizard asks the running SCADA-A for it, over TLS
        ExportConfigurationWizard wizard = open("");
        assertEquals("SCADA-B's view", "SCADA-B", wizard.sourcePage().viewsTable().getTable().getItem(1).getText(0));
        assertEquals("certificate not pinned: SCADA-A", wizard.sourcePage().viewsTable().getTable().getItem(1).getText(3));
        dialog.showPage(wizard.destinationPage());
        Text identity = choosePush(wizard);
        assertEquals("the identity of Window > Preferences > Duplex Redundancy", studioIdentity.toString(), identity.getText());
        assertTrue(wizard.canFinish());

        // The studio does not trust SCADA-A's certificate yet: it cannot ask it, says so, and deploys nothing
        assertFalse(wizard.performFinish());
        UiWait.process();
        String error = wizard.destinationPage().getErrorMessage();
        assertNotNull("the destination page says why nothing was pushed", error);
        assertTrue(error, error.startsWith("Cannot ask SCADA-A at " + set.address(0) + ":" + set.port() + " for its certificate: "));
        assertTrue(error, error.contains("certificate not trusted: SHA-256 " + fingerprintA));
        assertTrue(error, error.contains("Fill in This SCADA's certificate SHA-256 on the first page"));
        assertEquals(wizard.destinationPage(), dialog.getCurrentPage());
        assertEquals(List.of(200, 600), runningTimings(0));

        // Approved in the studio's identity (scada-redundancy trust --data STUDIO --as partner --symbol SCADA-A): Finish again
        new TrustStore(studioIdentity).approve(fingerprintA, TrustStore.As.PARTNER, "SCADA-A", "This SCADA of the test");
        long started = System.nanoTime();
        assertFalse("the wizard stays open on the results", wizard.performFinish());
        long pushMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        UiWait.process();
        assertEquals(wizard.resultsPage(), dialog.getCurrentPage());
        assertEquals("2 of 2 servers applied. Finish closes the wizard.", wizard.resultsPage().getMessage());
        assertNull(wizard.resultsPage().getErrorMessage());
        Table results = wizard.resultsPage().table().getTable();
        assertEquals(2, results.getItemCount());
        for (int i = 0; i < 2; i++) {
            TableItem row = results.getItem(i);
            assertEquals(RedundancySet.symbol(i), row.getText(0));
            assertEquals(set.address(i) + ":" + set.port(), row.getText(1));
            assertEquals(row.getText(3), "applied", row.getText(2));
            assertTrue(row.getText(3), row.getText(3).startsWith("configuration applied without a restart (role "
                    + before.get(i).role().jsonName() + " and term " + before.get(i).term() + " unchanged)"));
        }
        for (int i = 0; i < 2; i++) {
            assertEquals("in force on " + RedundancySet.symbol(i), List.of(250, 900), runningTimings(i));
            assertEquals("and in its file for the next start", List.of(250, 900), timings(ConfigurationFile.read(set.config(i))));
        }
        assertEquals("SCADA-B's view pins the certificate the wizard asked SCADA-A for", fingerprintA,
                running(1).partners().get(0).normalizedCertificateSha256());
        assertSameRolesTermsAndProcesses(before, pids);
        assertTrue("Finish on the results closes", wizard.performFinish());
        closeDialog();

        // An identity approved only as monitor pushes the next change: both servers refuse it, with the reason
        Path viewer = set.dir().resolve("viewer");
        String viewerFingerprint = LinkIdentity.loadOrCreate(viewer, "viewer").fingerprint();
        for (int i = 0; i < 2; i++) {
            new TrustStore(set.server(i).data()).approve(viewerFingerprint, TrustStore.As.MONITOR, null, "status only");
        }
        List<byte[]> filesBefore = List.of(Files.readAllBytes(set.config(0)), Files.readAllBytes(set.config(1)));
        saveTimings(300, 1200);
        wizard = open(fingerprintA); // given this time: the viewer's identity trusts no server of its own
        dialog.showPage(wizard.destinationPage());
        wizard.destinationPage().push(viewer);
        UiWait.process();
        assertFalse(wizard.performFinish());
        UiWait.process();
        assertEquals(wizard.resultsPage(), dialog.getCurrentPage());
        assertEquals("0 of 2 servers applied: see the reasons below.", wizard.resultsPage().getErrorMessage());
        results = wizard.resultsPage().table().getTable();
        assertEquals(2, results.getItemCount());
        for (int i = 0; i < 2; i++) {
            TableItem row = results.getItem(i);
            assertEquals(RedundancySet.symbol(i), row.getText(0));
            assertEquals(row.getText(3), "refused", row.getText(2));
            assertTrue(row.getText(3), row.getText(3).startsWith("try-connect, verify, hand-over and deploy are for operators"));
            assertTrue("says how to approve it: " + row.getText(3),
                    row.getText(3).contains("scada-redundancy trust --data DIR --as operator " + viewerFingerprint));
        }
        for (int i = 0; i < 2; i++) {
            assertEquals("the pushed configuration stays in force on " + RedundancySet.symbol(i), List.of(250, 900),
                    runningTimings(i));
            assertTrue("its file is untouched", Arrays.equals(filesBefore.get(i), Files.readAllBytes(set.config(i))));
        }
        assertSameRolesTermsAndProcesses(before, pids);
        closeDialog();

        // The same identity now an operator on SCADA-A only: SCADA-B's refusal in the first step
        // stops the push before SCADA-A changes, and SCADA-A's row says why it was not applied
        new TrustStore(set.server(0).data()).approve(viewerFingerprint, TrustStore.As.OPERATOR, null, "operator on A");
        wizard = open(fingerprintA);
        dialog.showPage(wizard.destinationPage());
        wizard.destinationPage().push(viewer);
        UiWait.process();
        assertFalse(wizard.performFinish());
        UiWait.process();
        assertEquals("0 of 2 servers applied: see the reasons below.", wizard.resultsPage().getErrorMessage());
        results = wizard.resultsPage().table().getTable();
        assertEquals("not applied", results.getItem(0).getText(2));
        assertTrue(results.getItem(0).getText(3), results.getItem(0).getText(3).contains("SCADA-B refused")
                && results.getItem(0).getText(3).contains("Apply on the servers that accept it"));
        assertEquals("refused", results.getItem(1).getText(2));
        for (int i = 0; i < 2; i++) {
            assertEquals(List.of(250, 900), runningTimings(i));
            assertTrue("its file is untouched", Arrays.equals(filesBefore.get(i), Files.readAllBytes(set.config(i))));
        }
        closeDialog();

        // "Apply on the servers that accept it" ticked, as a user would: SCADA-A applies, SCADA-B refuses
        wizard = open(fingerprintA);
        dialog.showPage(wizard.destinationPage());
        wizard.destinationPage().push(viewer);
        tick(wizard, ExportDestinationPage.PARTIAL_LABEL);
        assertFalse(wizard.performFinish());
        UiWait.process();
        assertEquals("1 of 2 servers applied: see the reasons below.", wizard.resultsPage().getErrorMessage());
        results = wizard.resultsPage().table().getTable();
        assertEquals("applied", results.getItem(0).getText(2));
        assertEquals("refused", results.getItem(1).getText(2));
        assertEquals("in force on SCADA-A", List.of(300, 1200), runningTimings(0));
        assertEquals("SCADA-B keeps its own", List.of(250, 900), runningTimings(1));
        assertTrue(Arrays.equals(filesBefore.get(1), Files.readAllBytes(set.config(1))));
        assertSameRolesTermsAndProcesses(before, pids);
        System.out.println("export wizard, push to two running servers: " + pushMs + " ms");
    }

    /** Ticks the destination page's check box labelled {@code label} as a user would. */
    private static void tick(ExportConfigurationWizard wizard, String label) {
        List<Control> controls = new ArrayList<>();
        collect((Composite) wizard.destinationPage().getControl(), controls);
        Button box = null;
        for (Control c : controls) {
            if (c instanceof Button b && (b.getStyle() & SWT.CHECK) != 0 && label.equals(b.getText())) {
                box = b;
            }
        }
        assertNotNull("a check box \"" + label + "\"", box);
        assertTrue("enabled with the push", box.isEnabled());
        box.setSelection(true);
        box.notifyListeners(SWT.Selection, null);
        UiWait.process();
    }

    /** Saves new Period and Timeout in every partner row of the workspace's file, as the editor would. */
    private void saveTimings(int periodMs, int timeoutMs) throws Exception {
        RedundancyConfiguration c = ConfigurationFile.read(config.getLocation().toFile().toPath());
        RedundancyConfiguration edited = c.withPartners(
                c.partners().stream().map(p -> p.withPeriodMs(periodMs).withTimeoutMs(timeoutMs)).toList());
        config.setContents(new ByteArrayInputStream(ConfigurationFile.toBytes(edited)), true, false, null);
    }

    /** The wizard opened on the selected file, This SCADA's address and {@code certificate} filled in. */
    private ExportConfigurationWizard open(String certificate) {
        ExportConfigurationWizard wizard = new ExportConfigurationWizard();
        dialog = ExportWizards.open(wizard, config);
        wizard.sourcePage().set(config.getLocation().toFile().toPath(), set.address(0), certificate, null);
        UiWait.process();
        assertNull(wizard.sourcePage().getErrorMessage());
        assertEquals("one row per server", 2, wizard.sourcePage().viewsTable().getTable().getItemCount());
        return wizard;
    }

    /** Clicks "Push to the running servers" as a user would; returns the identity field it enables. */
    private static Text choosePush(ExportConfigurationWizard wizard) {
        List<Control> controls = new ArrayList<>();
        collect((Composite) wizard.destinationPage().getControl(), controls);
        Button push = null;
        Text identity = null;
        for (Control c : controls) {
            if (c instanceof Button b && (b.getStyle() & SWT.RADIO) != 0) {
                b.setSelection(PUSH_LABEL.equals(b.getText()));
                push = PUSH_LABEL.equals(b.getText()) ? b : push;
            } else if (c instanceof Text t && t.getToolTipText() != null && t.getToolTipText().contains("--as operator")) {
                identity = t;
            }
        }
        assertNotNull("a radio button \"" + PUSH_LABEL + "\"", push);
        assertNotNull("the identity field", identity);
        push.notifyListeners(SWT.Selection, null);
        UiWait.process();
        assertTrue("the identity field is enabled with the push", identity.isEnabled());
        return identity;
    }

    private static void collect(Composite parent, List<Control> into) {
        for (Control c : parent.getChildren()) {
            into.add(c);
            if (c instanceof Composite child) {
                collect(child, into);
            }
        }
    }

    private void closeDialog() {
        if (dialog != null && dialog.getShell() != null && !dialog.getShell().isDisposed()) {
            dialog.close();
        }
        dialog = null;
    }

    /** The configuration in force on server {@code i}, as it reports it over its link. */
    private RedundancyConfiguration running(int i) throws Exception {
        LinkProtocol.ConfigView view = set.monitor().configView(set.server(i).endpoint()).get(5, TimeUnit.SECONDS);
        return ConfigurationFile.parse(view.configuration().getBytes(StandardCharsets.UTF_8), "running").configuration();
    }

    private List<Integer> runningTimings(int i) throws Exception {
        return timings(running(i));
    }

    /** Period and Timeout of the only partner row (each server of the two has one). */
    private static List<Integer> timings(RedundancyConfiguration c) {
        assertEquals(1, c.partners().size());
        Partner p = c.partners().get(0);
        return List.of(p.periodMs(), p.timeoutMs());
    }

    private void assertSameRolesTermsAndProcesses(List<RedundancyStatus> before, List<Long> pids) throws Exception {
        for (int i = 0; i < 2; i++) {
            RedundancyStatus now = set.status(i);
            String who = RedundancySet.symbol(i);
            assertEquals(who + ": no role change", before.get(i).role(), now.role());
            assertEquals(who + ": no new term", before.get(i).term(), now.term());
            assertEquals(who + ": no restart", pids.get(i), (Long) set.server(i).pid());
            assertTrue(who + ": still connected to its partner", now.partners().get(0).connected());
        }
    }
}
