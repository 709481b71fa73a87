package scada.redundancy.dbsync.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

import scada.redundancy.dbsync.internal.SyncMessage.Missing;
import scada.redundancy.dbsync.internal.SyncMessage.OriginState;
import scada.redundancy.dbsync.internal.SyncMessage.Rows;
import scada.redundancy.dbsync.internal.SyncMessage.Vector;
import scada.redundancy.history.Severity;

/**
 * The binary form of {@link SyncMessage}s, format {@value #FORMAT}:
 *
 * <pre>
 * u8 format, u8 type (1 VECTOR, 2 ROWS, 3 MISSING), body, u32 CRC32 of every byte before it
 * string  = u16 length in bytes, UTF-8 (each kind of string has its own bound)
 * VECTOR  = i32 schemaVersion, string origin, u8 enabled, i64 nonce, i64 sentBatches, i64 echoNonce,
 *           i64 accountedBatches, string problem, u16 n, n x (string origin, i64 mark, i64 lowestHeld, string source)
 * ROWS    = i64 nonce, i64 batchNo, string origin, i64 firstSeq, u16 n, n x row (seqs firstSeq, firstSeq+1, ...)
 * row     = u8 kind 0: i64 timeMicros, string tag, f64 value, i64 quality
 *           u8 kind 1: i64 timeMicros, string source, u8 severity code, string text
 * MISSING = string origin, i64 fromSeq, i64 toSeq, string reason
 * </pre>
 *
 * Decoding is defensive: a frame from a hostile or buggy peer yields a {@link SyncMessageException}
 * and nothing else; no length it claims is allocated before the bytes are known to be there, and
 * every count and string has a bound. Encoding refuses what would not decode.
 */
public final class SyncMessageCodec {
    /** The wire format this engine speaks; a peer with another format is shown as such, never guessed at. */
    public static final int FORMAT = 1;
    static final int VECTOR = 1;
    static final int ROWS = 2;
    static final int MISSING = 3;

    /** The longest origin id on the wire, in bytes (64 characters of up to 4 bytes). */
    public static final int MAX_ORIGIN_BYTES = 256;
    /** The longest tag name or log source, in bytes (a generous bound over {@code HistoryWriter.MAX_NAME}). */
    public static final int MAX_NAME_BYTES = 1024;
    /** The longest log text, in bytes (a generous bound over {@code HistoryWriter.MAX_TEXT}). */
    public static final int MAX_TEXT_BYTES = 8192;
    /** The longest reason or problem sentence, in bytes. */
    public static final int MAX_REASON_BYTES = 1024;
    /** The most origins one VECTOR names. */
    public static final int MAX_ORIGINS = 1024;
    /** The most rows one ROWS message holds. */
    public static final int MAX_BATCH_ROWS = 10_000;
    /** The largest message this codec makes or reads. */
    public static final int MAX_MESSAGE_BYTES = scada.redundancy.runtime.PartnerChannels.MAX_MESSAGE_BYTES;

    private static final int HEADER = 2;
    private static final int TRAILER = 4;
    private static final int LOG_ROW_MIN_BYTES = 1 + 8 + 2 + 1 + 2;
    private static final int TAG_ROW_MIN_BYTES = 1 + 8 + 2 + 8 + 8;
    private static final int ROWS_HEADER_BYTES = 8 + 8 + 2 + 8 + 2;

    private SyncMessageCodec() {
    }

    // ---------------------------------------------------------------- encoding

    public static byte[] encode(Vector v) {
        if (v.origins().size() > MAX_ORIGINS) {
            throw new IllegalArgumentException("a VECTOR names at most " + MAX_ORIGINS + " origins, not "
                    + v.origins().size());
        }
        Out out = new Out(64 + v.origins().size() * 48);
        out.u8(FORMAT).u8(VECTOR).i32(v.schemaVersion()).string(v.origin(), MAX_ORIGIN_BYTES, "origin")
                .u8(v.enabled() ? 1 : 0).i64(v.nonce()).i64(v.sentBatches()).i64(v.echoNonce())
                .i64(v.accountedBatches()).string(clip(v.problem(), MAX_REASON_BYTES / 4), MAX_REASON_BYTES, "problem")
                .u16(v.origins().size());
        for (OriginState o : v.origins()) {
            out.string(o.origin(), MAX_ORIGIN_BYTES, "origin").i64(o.mark()).i64(o.lowestHeld())
                    .string(o.source(), MAX_ORIGIN_BYTES, "source");
        }
        return out.sealed();
    }

    public static byte[] encode(Missing m) {
        Out out = new Out(128);
        out.u8(FORMAT).u8(MISSING).string(m.origin(), MAX_ORIGIN_BYTES, "origin").i64(m.fromSeq()).i64(m.toSeq())
                .string(clip(m.reason(), MAX_REASON_BYTES / 4), MAX_REASON_BYTES, "reason");
        return out.sealed();
    }

    public static byte[] encode(Rows r) {
        EncodedRows e = encodeRows(r.nonce(), r.batchNo(), r.rows(), Integer.MAX_VALUE, MAX_MESSAGE_BYTES);
        if (e.rowCount() != r.rows().size()) {
            throw new IllegalArgumentException("these " + r.rows().size() + " rows do not fit one message of "
                    + MAX_MESSAGE_BYTES + " bytes");
        }
        return e.bytes();
    }

    /** A ROWS message and how many of the offered rows it holds. */
    public record EncodedRows(byte[] bytes, int rowCount, long lastSeq) {
    }

    /**
     * Encodes as many of {@code rows} (consecutive, one origin) as fit {@code maxRows} and
     * {@code maxBytes}; always at least the first.
     *
     * @throws IllegalArgumentException when the first row alone cannot be sent (a string over its bound)
     */
    public static EncodedRows encodeRows(long nonce, long batchNo, List<Row> rows, int maxRows, int maxBytes) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a ROWS message holds at least one row");
        }
        int limitBytes = Math.min(maxBytes, MAX_MESSAGE_BYTES) - TRAILER;
        int limitRows = Math.min(Math.min(maxRows, MAX_BATCH_ROWS), rows.size());
        Row first = rows.get(0);
        Out out = new Out(Math.min(limitBytes, 64 + rows.size() * 48));
        out.u8(FORMAT).u8(ROWS).i64(nonce).i64(batchNo).string(first.origin(), MAX_ORIGIN_BYTES, "origin")
                .i64(first.seq());
        int countAt = out.size;
        out.u16(0);
        int n = 0;
        for (Row r : rows) {
            if (n == limitRows) {
                break;
            }
            if (!r.origin().equals(first.origin()) || r.seq() != first.seq() + n) {
                throw new IllegalArgumentException("a ROWS message holds consecutive rows of one origin: row "
                        + r.origin() + "/" + r.seq() + " follows " + first.origin() + "/" + (first.seq() + n - 1));
            }
            int before = out.size;
            row(out, r);
            if (out.size > limitBytes && n > 0) {
                out.size = before;
                break;
            }
            n++;
        }
        out.putU16At(countAt, n);
        return new EncodedRows(out.sealed(), n, first.seq() + n - 1);
    }

    private static void row(Out out, Row r) {
        if (r.kind() == Row.Kind.TAG) {
            out.u8(0).i64(r.timeMicros()).string(r.name(), MAX_NAME_BYTES, "tag of row " + r.origin() + "/" + r.seq())
                    .f64(r.value()).i64(r.quality());
        } else {
            out.u8(1).i64(r.timeMicros())
                    .string(r.name(), MAX_NAME_BYTES, "source of row " + r.origin() + "/" + r.seq())
                    .u8(r.severity().code())
                    .string(r.text(), MAX_TEXT_BYTES, "text of row " + r.origin() + "/" + r.seq());
        }
    }

    private static String clip(String s, int chars) {
        return s.length() <= chars ? s : s.substring(0, chars - 1) + "…";
    }

    // ---------------------------------------------------------------- decoding

    /**
     * The message in {@code frame}.
     *
     * @throws SyncMessageException for anything else: too short or long, another format, an unknown type, a
     *                              CRC mismatch, a count or string beyond its bound, bytes left over
     */
    public static SyncMessage decode(byte[] frame) throws SyncMessageException {
        if (frame == null || frame.length < HEADER + TRAILER) {
            throw new SyncMessageException("a frame of " + (frame == null ? 0 : frame.length)
                    + " bytes is too short for a DB sync message");
        }
        int format = frame[0] & 0xFF;
        if (format != FORMAT) {
            throw new SyncMessageException(format, "the partner's DB sync speaks format " + format
                    + ", this server's " + FORMAT + ": install the same version on both servers");
        }
        if (frame.length > MAX_MESSAGE_BYTES) {
            throw new SyncMessageException("a frame of " + frame.length + " bytes is over the largest message ("
                    + MAX_MESSAGE_BYTES + ")");
        }
        CRC32 crc = new CRC32();
        crc.update(frame, 0, frame.length - TRAILER);
        ByteBuffer tail = ByteBuffer.wrap(frame, frame.length - TRAILER, TRAILER);
        long claimed = tail.getInt() & 0xFFFF_FFFFL;
        if (claimed != crc.getValue()) {
            throw new SyncMessageException("a DB sync message failed its CRC32 check (" + frame.length + " bytes)");
        }
        In in = new In(frame, HEADER, frame.length - TRAILER);
        int type = frame[1] & 0xFF;
        SyncMessage m = switch (type) {
            case VECTOR -> vector(in);
            case ROWS -> rows(in);
            case MISSING -> missing(in);
            default -> throw new SyncMessageException("a DB sync message of unknown type " + type);
        };
        if (in.remaining() != 0) {
            throw new SyncMessageException(in.remaining() + " bytes left over after a DB sync message of type " + type);
        }
        return m;
    }

    private static Vector vector(In in) throws SyncMessageException {
        int schema = in.i32();
        String origin = in.origin("the VECTOR's origin");
        boolean enabled = in.bool();
        long nonce = in.i64();
        long sent = in.nonNegative("sentBatches");
        long echo = in.i64();
        long accounted = in.nonNegative("accountedBatches");
        String problem = in.string(MAX_REASON_BYTES, "problem");
        int n = in.u16();
        if (n > MAX_ORIGINS) {
            throw new SyncMessageException("a VECTOR names " + n + " origins, more than " + MAX_ORIGINS);
        }
        in.need((long) n * (2 + 8 + 8 + 2), "the VECTOR's origins");
        List<OriginState> origins = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String o = in.origin("an origin in a VECTOR");
            long mark = in.nonNegative("mark");
            long low = in.nonNegative("lowestHeld");
            String source = in.string(MAX_ORIGIN_BYTES, "source");
            origins.add(new OriginState(o, mark, low, source));
        }
        return new Vector(schema, origin, enabled, nonce, sent, echo, accounted, problem, origins);
    }

    private static Rows rows(In in) throws SyncMessageException {
        long nonce = in.i64();
        long batchNo = in.i64();
        if (batchNo < 1) {
            throw new SyncMessageException("a ROWS message numbered " + batchNo);
        }
        String origin = in.origin("the ROWS message's origin");
        long firstSeq = in.i64();
        int n = in.u16();
        if (n < 1 || n > MAX_BATCH_ROWS) {
            throw new SyncMessageException("a ROWS message of " + n + " rows (1.." + MAX_BATCH_ROWS + ")");
        }
        if (firstSeq < 1 || firstSeq > Long.MAX_VALUE - n) {
            throw new SyncMessageException("a ROWS message starting at seq " + firstSeq);
        }
        in.need((long) n * LOG_ROW_MIN_BYTES, "the ROWS message's rows");
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long seq = firstSeq + i;
            int kind = in.u8();
            if (kind == 0) {
                in.need(TAG_ROW_MIN_BYTES - 1, "a tag row");
                long time = in.i64();
                String tag = in.string(MAX_NAME_BYTES, "tag");
                double value = in.f64();
                long quality = in.i64();
                rows.add(Row.tag(origin, seq, time, tag, value, quality));
            } else if (kind == 1) {
                long time = in.i64();
                String source = in.string(MAX_NAME_BYTES, "source");
                int code = in.u8();
                Severity severity = severity(code);
                String text = in.string(MAX_TEXT_BYTES, "text");
                rows.add(Row.log(origin, seq, time, severity, source, text));
            } else {
                throw new SyncMessageException("row " + origin + "/" + seq + " is of unknown kind " + kind);
            }
        }
        return new Rows(nonce, batchNo, rows);
    }

    private static Severity severity(int code) throws SyncMessageException {
        for (Severity s : Severity.values()) {
            if (s.code() == code) {
                return s;
            }
        }
        throw new SyncMessageException("a log row with unknown severity code " + code);
    }

    private static Missing missing(In in) throws SyncMessageException {
        String origin = in.origin("the MISSING message's origin");
        long from = in.i64();
        long to = in.i64();
        if (from < 1 || to < from) {
            throw new SyncMessageException("a MISSING message from seq " + from + " to " + to);
        }
        String reason = in.string(MAX_REASON_BYTES, "reason");
        return new Missing(origin, from, to, reason);
    }

    // ---------------------------------------------------------------- bytes

    /** A growable big-endian buffer; {@link #sealed} appends the CRC32 and returns the exact bytes. */
    private static final class Out {
        byte[] buf;
        int size;

        Out(int capacity) {
            buf = new byte[Math.max(64, capacity)];
        }

        private void room(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        Out u8(int v) {
            room(1);
            buf[size++] = (byte) v;
            return this;
        }

        Out u16(int v) {
            room(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
            return this;
        }

        void putU16At(int at, int v) {
            buf[at] = (byte) (v >>> 8);
            buf[at + 1] = (byte) v;
        }

        Out i32(int v) {
            room(4);
            for (int s = 24; s >= 0; s -= 8) {
                buf[size++] = (byte) (v >>> s);
            }
            return this;
        }

        Out i64(long v) {
            room(8);
            for (int s = 56; s >= 0; s -= 8) {
                buf[size++] = (byte) (v >>> s);
            }
            return this;
        }

        Out f64(double v) {
            return i64(Double.doubleToRawLongBits(v));
        }

        Out string(String s, int maxBytes, String what) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > maxBytes) {
                throw new IllegalArgumentException("the " + what + " is " + b.length + " bytes in UTF-8, over the "
                        + maxBytes + " DB sync carries");
            }
            u16(b.length);
            room(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
            return this;
        }

        byte[] sealed() {
            CRC32 crc = new CRC32();
            crc.update(buf, 0, size);
            i32((int) crc.getValue());
            return Arrays.copyOf(buf, size);
        }
    }

    /** Reads a bounded slice; every read checks the bytes are there first. */
    private static final class In {
        private final byte[] buf;
        private int pos;
        private final int end;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

        In(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        int remaining() {
            return end - pos;
        }

        void need(long n, String what) throws SyncMessageException {
            if (n > remaining()) {
                throw new SyncMessageException("a DB sync message ends inside " + what + " (" + n + " bytes needed, "
                        + remaining() + " left)");
            }
        }

        int u8() throws SyncMessageException {
            need(1, "a byte");
            return buf[pos++] & 0xFF;
        }

        boolean bool() throws SyncMessageException {
            int b = u8();
            if (b > 1) {
                throw new SyncMessageException("a flag of value " + b);
            }
            return b == 1;
        }

        int u16() throws SyncMessageException {
            need(2, "a count");
            int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        int i32() throws SyncMessageException {
            need(4, "a number");
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v = (v << 8) | (buf[pos++] & 0xFF);
            }
            return v;
        }

        long i64() throws SyncMessageException {
            need(8, "a number");
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (buf[pos++] & 0xFF);
            }
            return v;
        }

        long nonNegative(String what) throws SyncMessageException {
            long v = i64();
            if (v < 0) {
                throw new SyncMessageException("a negative " + what + " (" + v + ")");
            }
            return v;
        }

        double f64() throws SyncMessageException {
            return Double.longBitsToDouble(i64());
        }

        String string(int maxBytes, String what) throws SyncMessageException {
            int n = u16();
            if (n > maxBytes) {
                throw new SyncMessageException("a " + what + " of " + n + " bytes, over its bound of " + maxBytes);
            }
            need(n, "a " + what);
            String s;
            try {
                CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(buf, pos, n));
                s = chars.toString();
            } catch (CharacterCodingException e) {
                throw new SyncMessageException("a " + what + " that is not valid UTF-8");
            }
            pos += n;
            return s;
        }

        String origin(String what) throws SyncMessageException {
            String s = string(MAX_ORIGIN_BYTES, what);
            if (s.isEmpty()) {
                throw new SyncMessageException(what + " is empty");
            }
            return s;
        }
    }
}
