package scada.redundancy.runtime.deploy;

/**
 * What became of one server's deployment.
 *
 * @param symbol   the server
 * @param endpoint where it was pushed (ADDR:PORT), or the folder it was written to
 * @param outcome  applied, refused, unreachable, or not applied because another server refused
 * @param detail   a plain sentence: what the server did, or why not
 */
public record DeployResult(String symbol, String endpoint, Outcome outcome, String detail) {

    public enum Outcome {
        /** The server put the deployment in force (or the folder was written). */
        APPLIED,
        /** The server answered and refused the deployment whole; its old configuration runs on. */
        REFUSED,
        /** No answer from the server: nothing was changed there. */
        UNREACHABLE,
        /**
         * The server would have applied it, but another server of the set refused its deployment
         * or could not be reached when every server was checked first: nothing was pushed to any.
         */
        NOT_APPLIED;

        /** The word of the result line. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    /** {@code SCADA-A (127.0.0.1:8000): applied: ...}: the result line of the command and the wizard. */
    public String line() {
        return symbol + " (" + endpoint + "): " + outcome.word() + ": " + detail;
    }
}
