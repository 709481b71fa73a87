package scada.redundancy.cli.logfile;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The server's standard output (or error) as it was, plus each complete line to a
 * {@link RotatingLogFile}. Callers write through a {@code PrintStream}, which holds its own lock for
 * a whole {@code println}, so the bytes of one line arrive here together and lines of two threads
 * never mix. A line longer than {@value #MAX_LINE} bytes is cut there (marked with "...") in the
 * file; the console gets it whole.
 */
public final class LineTee extends OutputStream {
    static final int MAX_LINE = 64 << 10;

    private final OutputStream console;
    private final RotatingLogFile file;
    private byte[] line = new byte[256];
    private int length;
    private boolean cut;

    public LineTee(OutputStream console, RotatingLogFile file) {
        this.console = console;
        this.file = file;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        console.write(b);
        take(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        console.write(b, off, len);
        for (int i = off; i < off + len; i++) {
            take(b[i]);
        }
    }

    private void take(int b) {
        if (b == '\n') {
            int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
            byte[] whole = Arrays.copyOf(line, end + (cut ? 3 : 0));
            if (cut) {
                whole[end] = whole[end + 1] = whole[end + 2] = '.';
            }
            file.append(whole);
            length = 0;
            cut = false;
            return;
        }
        if (length == MAX_LINE) {
            cut = true;
            return;
        }
        if (length == line.length) {
            line = Arrays.copyOf(line, Math.min(MAX_LINE, line.length * 2));
        }
        line[length++] = (byte) b;
    }

    @Override
    public void flush() throws IOException {
        console.flush();
    }
}
