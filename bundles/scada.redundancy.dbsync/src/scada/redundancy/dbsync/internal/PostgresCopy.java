package scada.redundancy.dbsync.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows into {@code duplex_history} on PostgreSQL by {@code COPY ... FROM STDIN (FORMAT binary)},
 * in the caller's open transaction: what a backup's apply uses instead of the batch insert.
 * <p>
 * <b>Why.</b> The batch insert (even rewritten into multi-row INSERTs) makes PostgreSQL parse,
 * plan and bind ten parameters a row, and the driver build each statement; COPY streams the rows
 * into the table with none of that. The rows, the checks and the transaction are the same: the
 * table's key and constraints hold for COPY as for INSERT (a duplicate key still fails with
 * 23505, a too long name with 22001), nothing is visible before the commit, and a failure rolls
 * back every row of the batch with the mark. A catching-up backup and its source share the
 * machine's CPU in the benchmark, so what the apply saves the source can use.
 * <p>
 * <b>Binary, not text.</b> No escaping of tabs and backslashes in log texts, and a double goes
 * in bit for bit (NaN, infinities, -0.0) instead of through its decimal text. The field layout
 * follows the column types of {@link Schema} exactly (binary COPY does not convert): VARCHAR as
 * UTF-8 (the driver's client encoding), BIGINT 8 bytes, DOUBLE PRECISION 8 bytes IEEE 754,
 * SMALLINT 2 bytes, all big-endian; a schema change of these columns must change this class.
 */
final class PostgresCopy {
    private static final String COPY = "COPY duplex_history (origin, seq, kind, time_micros, name, tag_value, quality, "
            + "severity, log_text, stored_micros) FROM STDIN (FORMAT binary)";
    private static final int FIELDS = 10;
    /** The binary COPY header: signature, flags 0, no header extension. */
    private static final byte[] HEADER = { 'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0,
            0, 0, 0 };

    private PostgresCopy() {
    }

    /** Inserts the rows, each stored at {@code storedMicros}, into the open transaction of {@code c}. */
    static void insert(Connection c, List<Row> rows, long storedMicros) throws SQLException {
        Buffer b = new Buffer(64 + rows.size() * 96);
        b.bytes(HEADER);
        for (Row row : rows) {
            b.int16(FIELDS);
            b.text(row.origin());
            b.int64(row.seq());
            b.text(row.kind().name());
            b.int64(row.timeMicros());
            b.text(row.name());
            b.int64(Double.doubleToRawLongBits(row.value()));
            b.int64(row.quality());
            if (row.severity() == null) {
                b.int32(-1); // SQL NULL
            } else {
                b.int32(2);
                b.int16(row.severity().code());
            }
            b.text(row.text());
            b.int64(storedMicros);
        }
        b.int16(-1); // the trailer
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        try {
            copy.writeToCopy(b.data, 0, b.size);
            long stored = copy.endCopy();
            if (stored != rows.size()) {
                // cannot happen short of a driver fault; the caller's rollback then keeps the batch out
                throw new SQLException("COPY into duplex_history stored " + stored + " of " + rows.size() + " rows");
            }
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy(); // the failure above is the one to report; the rollback follows
            }
        }
    }

    /** A growing big-endian byte buffer, as binary COPY wants its fields. */
    private static final class Buffer {
        byte[] data;
        int size;

        Buffer(int capacity) {
            data = new byte[capacity];
        }

        private void room(int n) {
            if (size + n > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, size + n));
            }
        }

        void bytes(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, data, size, b.length);
            size += b.length;
        }

        void int16(int v) {
            room(2);
            data[size++] = (byte) (v >>> 8);
            data[size++] = (byte) v;
        }

        void int32(int v) {
            room(4);
            data[size++] = (byte) (v >>> 24);
            data[size++] = (byte) (v >>> 16);
            data[size++] = (byte) (v >>> 8);
            data[size++] = (byte) v;
        }

        /** A BIGINT field (or the bits of a DOUBLE PRECISION): its length, then 8 bytes. */
        void int64(long v) {
            int32(8);
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                data[size++] = (byte) (v >>> shift);
            }
        }

        /** A VARCHAR field: its length in bytes, then its UTF-8. */
        void text(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            int32(utf8.length);
            bytes(utf8);
        }
    }
}
