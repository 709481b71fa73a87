package scada.redundancy.ui.tests;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.eclipse.swt.widgets.Display;

/** Running the UI thread's event loop from a test: until idle, or until a condition holds (bounded). */
final class UiWait {
    private UiWait() {
    }

    /** Runs what the UI queued until it is idle. */
    static void process() {
        Display d = Display.getCurrent();
        while (d.readAndDispatch()) {
            // run what the UI queued
        }
    }

    /** Runs the UI until the condition holds; fails after 30 s naming what did not happen. */
    static void until(String what, BooleanSupplier condition) {
        Display d = Display.getCurrent();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            if (!d.readAndDispatch()) {
                d.timerExec(20, () -> { }); // wake up soon to check again
                d.sleep();
            }
        }
    }
}
