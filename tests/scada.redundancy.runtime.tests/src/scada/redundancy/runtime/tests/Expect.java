package scada.redundancy.runtime.tests;

/** {@code assertThrows} for this fragment, which does not import JUnit's {@code org.junit.function}. */
public final class Expect {
    private Expect() {
    }

    /** Code that is expected to throw. */
    public interface Action {
        void run() throws Exception;
    }

    /** The exception {@code action} throws; an assertion error if it throws another or none. */
    public static <T extends Throwable> T thrown(Class<T> type, Action action) {
        try {
            action.run();
        } catch (Throwable t) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + t, t);
        }
        throw new AssertionError("expected " + type.getSimpleName() + ", nothing was thrown");
    }
}
