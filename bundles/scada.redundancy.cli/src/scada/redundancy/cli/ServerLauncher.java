package scada.redundancy.cli;

import org.eclipse.core.runtime.adaptor.EclipseStarter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;

import scada.redundancy.cli.logfile.ServerLogFile;

/**
 * The main class of a server process (see {@link ServerCommand}): starts the OSGi framework with
 * the configuration area the server command prepared, and owns the process. The framework runs
 * until it is stopped; the process then exits with the code the runtime left in the system
 * property {@value #EXIT_CODE_PROPERTY} (3: the redundancy service could not start), else 0.
 * SIGTERM stops the server through the runtime's shutdown hook, as before. Before the framework
 * starts, it gives the process its log file ({@link ServerLogFile}: standard output and error also
 * go to {@code DATA/logs/server.log}, rotated).
 */
public final class ServerLauncher {
    /** Set by the runtime (RedundancyComponent) before it asks the framework to stop. */
    static final String EXIT_CODE_PROPERTY = "duplex.exitCode";
    /** The framework itself failed to start or stopped in error. */
    static final int FRAMEWORK_FAILED = 13;

    private ServerLauncher() {
    }

    public static void main(String[] args) {
        int code;
        try {
            ServerLogFile.install();
        } catch (IllegalArgumentException e) {
            System.err.println("the log file cannot be set up: " + e.getMessage());
            System.exit(FRAMEWORK_FAILED);
        }
        try {
            BundleContext context = EclipseStarter.startup(args, null);
            FrameworkEvent stopped = ((Framework) context.getBundle(0)).waitForStop(0);
            code = stopped.getType() == FrameworkEvent.ERROR ? FRAMEWORK_FAILED : 0;
        } catch (IllegalStateException e) {
            code = 0; // the framework stopped while it was still starting (a start failure): the code is below
        } catch (Exception e) {
            System.err.println("the OSGi framework failed: " + e);
            code = FRAMEWORK_FAILED;
        }
        System.exit(Integer.getInteger(EXIT_CODE_PROPERTY, code));
    }
}
