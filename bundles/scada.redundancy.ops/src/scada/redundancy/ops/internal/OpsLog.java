package scada.redundancy.ops.internal;

import java.time.Instant;

/** The server's log is its standard output (teed into DATA/logs/server.log by the launcher), as for its other services. */
final class OpsLog {
    private OpsLog() {
    }

    static void log(String source, String line) {
        System.out.println(Instant.now() + " " + source + " " + line);
    }
}
