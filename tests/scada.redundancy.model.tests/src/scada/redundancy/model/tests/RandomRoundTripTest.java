package scada.redundancy.model.tests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Test;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;

/**
 * Property: every configuration whose texts fit the file's limit survives saving and loading, and
 * saving it again gives the same bytes. A failure prints the seed; set {@code -Dduplex.seed=...} to
 * replay it.
 */
public class RandomRoundTripTest {
    private static final int CONFIGURATIONS = 2_000;
    private static final String SPECIAL = "\"\\/\b\f\n\r\t\u0000\u001f\u007f\u0085\u00a0\u2028\u2029\ufeff\ufffd";
    private static final String[] SAMPLES = { "😀", "🚀", "👨‍👩‍👧", "ü", "ß", "Ω", "制御", "ﾊﾟ", "\uD83C\uDDE9\uD83C\uDDEA" };

    @Test
    public void randomConfigurationsSurviveSaveAndLoadAndSaveToTheSameBytes() {
        long seed = Long.getLong("duplex.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int n = 0; n < CONFIGURATIONS; n++) {
            RedundancyConfiguration c = configuration(random);
            String context = "configuration " + n + " of seed " + seed + " (replay with -Dduplex.seed=" + seed + ")";
            byte[] bytes = ConfigurationFile.toBytes(c);
            RedundancyConfiguration back;
            try {
                back = ConfigurationFile.parse(bytes, "random").configuration();
            } catch (ConfigurationReadException e) {
                throw new AssertionError(context + ": the saved file cannot be read: " + e.getMessage(), e);
            }
            assertEquals(context, c, back);
            assertArrayEquals(context, bytes, ConfigurationFile.toBytes(back));
        }
    }

    private static RedundancyConfiguration configuration(Random r) {
        LocalServer local = new LocalServer(text(r), anyInt(r), r.nextBoolean(), r.nextBoolean(), text(r), text(r),
                r.nextBoolean() ? Failback.MANUAL : Failback.AUTOMATIC, anyInt(r));
        int count = r.nextInt(21);
        List<Partner> partners = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            partners.add(new Partner(anyInt(r), text(r), text(r), anyInt(r), anyInt(r), anyInt(r), anyInt(r),
                    r.nextBoolean(), text(r), text(r)));
        }
        return new RedundancyConfiguration(local, partners);
    }

    /** Any int, with the edges and small numbers more often than a uniform draw would give them. */
    private static int anyInt(Random r) {
        switch (r.nextInt(6)) {
        case 0:
            return new int[] { 0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 65535, 65536 }[r.nextInt(7)];
        case 1:
            return r.nextInt(20_000) - 10_000;
        default:
            return r.nextInt();
        }
    }

    /** A text of 0 to 4096 UTF-16 characters (the file's limit), mostly short. */
    private static String text(Random r) {
        int max = switch (r.nextInt(20)) {
        case 0 -> ConfigurationFile.MAX_TEXT_LENGTH;
        case 1, 2 -> 300;
        default -> 24;
        };
        int length = r.nextInt(max + 1);
        if (r.nextInt(50) == 0) {
            length = max; // exactly at the limit now and then
        }
        StringBuilder b = new StringBuilder(length);
        while (b.length() < length) {
            int kind = r.nextInt(10);
            String piece;
            if (kind < 4) {
                piece = String.valueOf((char) (' ' + r.nextInt(95)));
            } else if (kind < 6) {
                piece = String.valueOf(SPECIAL.charAt(r.nextInt(SPECIAL.length())));
            } else if (kind < 8) {
                piece = SAMPLES[r.nextInt(SAMPLES.length)];
            } else {
                int cp;
                do {
                    cp = r.nextInt(Character.MAX_CODE_POINT + 1);
                } while (Character.getType(cp) == Character.SURROGATE || Character.getType(cp) == Character.UNASSIGNED);
                piece = new String(Character.toChars(cp));
            }
            if (b.length() + piece.length() <= length) {
                b.append(piece);
            } else {
                b.append((char) ('a' + r.nextInt(26)));
            }
        }
        return b.toString();
    }
}
