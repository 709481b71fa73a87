package scada.redundancy.ops.internal;

/**
 * Work a component does when the JVM is told to stop (SIGTERM from systemd): a JVM shutdown hook
 * added on activation and removed on deactivation (a component stopped with the framework has
 * nothing left to do when the JVM ends later).
 */
final class ShutdownHook {
    private final Thread thread;

    private ShutdownHook(Thread thread) {
        this.thread = thread;
    }

    static ShutdownHook add(String name, Runnable work) {
        Thread t = new Thread(work, name);
        Runtime.getRuntime().addShutdownHook(t);
        return new ShutdownHook(t);
    }

    void remove() {
        try {
            Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook has run or runs now
        }
    }
}
