package scada.redundancy.dbsync.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Test;

import scada.redundancy.dbsync.internal.SyncMessage.Missing;
import scada.redundancy.dbsync.internal.SyncMessage.OriginState;
import scada.redundancy.dbsync.internal.SyncMessage.Rows;
import scada.redundancy.dbsync.internal.SyncMessage.Vector;
import scada.redundancy.history.Severity;

/** The DB sync wire format: round trips, bounds, and frames from a hostile or buggy peer. */
public class SyncMessageCodecTest {
    private static final long SEED = Long.getLong("dbsync.fuzz.seed", 20261129L);

    static List<Row> rows(String origin, long from, int n) {
        List<Row> list = new ArrayList<>();
        for (long s = from; s < from + n; s++) {
            list.add(s % 3 == 0 ? Row.log(origin, s, 1000 + s, Severity.ALARM, "Pump 3", "tripped: Überstrom ⚡ " + s)
                    : Row.tag(origin, s, 1000 + s, "Line1.Flow" + s, s / 3.0, s % 2 == 0 ? 0 : 0x80000000L));
        }
        return list;
    }

    static Vector vector() {
        return new Vector(3, "A-3f9c21d0", true, -42, 17, 99, 16, "disk full on /var",
                List.of(new OriginState("A-3f9c21d0", 1000, 1, ""), new OriginState("B-77", 5, 2, "B-77")));
    }

    @Test
    public void everyMessageSurvivesARoundTrip() throws Exception {
        Vector v = vector();
        assertEquals(v, SyncMessageCodec.decode(SyncMessageCodec.encode(v)));
        Rows r = new Rows(7, 3, rows("B-77", 41, 30));
        assertEquals(r, SyncMessageCodec.decode(SyncMessageCodec.encode(r)));
        Missing m = new Missing("B-77", 1, 40, "SCADA-B no longer holds rows 1..40");
        assertEquals(m, SyncMessageCodec.decode(SyncMessageCodec.encode(m)));
        // NaN and infinities travel bit for bit
        Rows odd = new Rows(1, 1, List.of(Row.tag("O", 1, -5, "", Double.NaN, -1), Row.tag("O", 2, 0, "t", -0.0, 0)));
        Rows back = (Rows) SyncMessageCodec.decode(SyncMessageCodec.encode(odd));
        assertTrue(Double.isNaN(back.rows().get(0).value()));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.rows().get(1).value()));
    }

    @Test
    public void aBatchStopsAtItsByteAndRowBounds() throws Exception {
        List<Row> many = rows("A", 1, 5000);
        SyncMessageCodec.EncodedRows byRows = SyncMessageCodec.encodeRows(1, 1, many, 500, 1 << 20);
        assertEquals(500, byRows.rowCount());
        assertEquals(500, byRows.lastSeq());
        SyncMessageCodec.EncodedRows byBytes = SyncMessageCodec.encodeRows(1, 1, many, 5000, 16 * 1024);
        assertTrue("under 16 KiB: " + byBytes.bytes().length, byBytes.bytes().length <= 16 * 1024);
        assertTrue(byBytes.rowCount() > 100 && byBytes.rowCount() < 5000);
        Rows decoded = (Rows) SyncMessageCodec.decode(byBytes.bytes());
        assertEquals(many.subList(0, byBytes.rowCount()), decoded.rows());
    }

    @Test
    public void whatWouldNotDecodeIsNotEncoded() {
        String longText = "x".repeat(SyncMessageCodec.MAX_TEXT_BYTES + 1);
        List<Row> bad = List.of(Row.log("A", 1, 0, Severity.INFO, "s", longText));
        assertThrows(IllegalArgumentException.class, () -> SyncMessageCodec.encodeRows(1, 1, bad, 10, 1 << 20));
        List<Row> holes = List.of(Row.tag("A", 1, 0, "t", 0, 0), Row.tag("A", 3, 0, "t", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> SyncMessageCodec.encodeRows(1, 1, holes, 10, 1 << 20));
    }

    @Test
    public void anotherFormatIsNamedNotGuessedAt() throws Exception {
        byte[] frame = SyncMessageCodec.encode(vector());
        frame[0] = 2;
        SyncMessageException e = assertThrows(SyncMessageException.class, () -> SyncMessageCodec.decode(frame));
        assertEquals(2, e.otherFormat());
    }

    @Test
    public void aLengthClaimedBeyondTheFrameIsRefusedBeforeAllocating() {
        // a ROWS header claiming 10,000 rows with nothing behind it
        byte[] honest = SyncMessageCodec.encode(new Rows(1, 1, rows("A", 1, 1)));
        byte[] claim = honest.clone();
        int countAt = 2 + 8 + 8 + 2 + 1 + 8;
        claim[countAt] = (byte) (10_000 >> 8);
        claim[countAt + 1] = (byte) 10_000;
        assertThrows(SyncMessageException.class, () -> SyncMessageCodec.decode(reseal(claim)));
    }

    /** Random bytes, truncations and bit flips of valid frames: only SyncMessageException, ever. */
    @Test
    public void tenThousandHostileFramesNeverThrowAnythingElse() {
        Random random = new Random(SEED);
        List<byte[]> valid = List.of(SyncMessageCodec.encode(vector()),
                SyncMessageCodec.encode(new Rows(5, 9, rows("A", 100, 40))),
                SyncMessageCodec.encode(new Missing("A", 3, 9, "gone")));
        int refused = 0;
        int decoded = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] frame;
            switch (i % 5) {
                case 0 -> {
                    frame = new byte[random.nextInt(300)];
                    random.nextBytes(frame);
                    if (frame.length > 0 && random.nextBoolean()) {
                        frame[0] = SyncMessageCodec.FORMAT;
                    }
                }
                case 1 -> {
                    byte[] v = valid.get(random.nextInt(valid.size()));
                    frame = java.util.Arrays.copyOf(v, random.nextInt(v.length));
                }
                case 2 -> {
                    frame = valid.get(random.nextInt(valid.size())).clone();
                    frame[random.nextInt(frame.length)] ^= (byte) (1 << random.nextInt(8));
                }
                default -> {
                    // mutate, then fix the CRC so the body's own checks are what stands in the way
                    frame = valid.get(random.nextInt(valid.size())).clone();
                    for (int k = 0, n = 1 + random.nextInt(4); k < n; k++) {
                        frame[2 + random.nextInt(frame.length - 6)] = (byte) random.nextInt(256);
                    }
                    frame = reseal(frame);
                }
            }
            try {
                SyncMessageCodec.decode(frame);
                decoded++;
            } catch (SyncMessageException e) {
                refused++;
            } catch (RuntimeException | Error e) {
                throw new AssertionError("frame " + i + " (seed " + SEED + ") threw " + e, e);
            }
        }
        System.out.println("SyncMessageCodecTest: 10,000 hostile frames: " + refused + " refused, " + decoded
                + " decoded as some valid message (a resealed mutation can be one), none threw anything else");
        if (refused < 5_000) {
            fail("only " + refused + " of 10,000 hostile frames were refused");
        }
    }

    /** The frame with its CRC recomputed. */
    static byte[] reseal(byte[] frame) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(frame, 0, frame.length - 4);
        int c = (int) crc.getValue();
        byte[] out = frame.clone();
        out[out.length - 4] = (byte) (c >>> 24);
        out[out.length - 3] = (byte) (c >>> 16);
        out[out.length - 2] = (byte) (c >>> 8);
        out[out.length - 1] = (byte) c;
        return out;
    }
}
