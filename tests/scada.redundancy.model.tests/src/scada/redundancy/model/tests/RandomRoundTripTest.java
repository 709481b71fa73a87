package scada.redundancy.model.tests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Test;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;

/** Property: any configuration, however odd its values, survives save and load unchanged. */
public class RandomRoundTripTest {
    private static final String ALPHABET = "abcXYZ 09-_.:\"\\/\u00e9\u00df\u6771\u4eac\t\n\r\u0000\u001f\u2028\ud83c\udfed{}[],";

    @Test
    public void randomConfigurationsSurviveSaveAndLoad() throws Exception {
        long seed = Long.getLong("duplex.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            RedundancyConfiguration c = randomConfiguration(random);
            byte[] bytes = ConfigurationFile.toBytes(c);
            RedundancyConfiguration back = ConfigurationFile.parse(bytes, "random").configuration();
            assertEquals("seed " + seed + " (rerun with -Dduplex.seed=" + seed + "), case " + i, c, back);
            assertArrayEquals("seed " + seed + ", case " + i, bytes, ConfigurationFile.toBytes(back));
        }
    }

    static RedundancyConfiguration randomConfiguration(Random r) {
        LocalServer local = new LocalServer(text(r), number(r), r.nextBoolean(), r.nextBoolean(), text(r), text(r),
                Failback.values()[r.nextInt(Failback.values().length)], number(r));
        List<Partner> partners = new ArrayList<>();
        int n = r.nextInt(21);
        for (int i = 0; i < n; i++) {
            partners.add(new Partner(number(r), text(r), text(r), number(r), number(r), number(r), number(r), r.nextBoolean(),
                    text(r), text(r)));
        }
        return new RedundancyConfiguration(local, partners);
    }

    private static int number(Random r) {
        switch (r.nextInt(4)) {
        case 0:
            return r.nextInt();
        case 1:
            return r.nextInt(70000);
        case 2:
            return new int[] { 0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 8000, 65535 }[r.nextInt(7)];
        default:
            return -r.nextInt(1000);
        }
    }

    private static String text(Random r) {
        int length = r.nextInt(10) == 0 ? r.nextInt(4097) : r.nextInt(30);
        StringBuilder b = new StringBuilder();
        while (b.length() < length) {
            int at = r.nextInt(ALPHABET.length());
            char c = ALPHABET.charAt(at);
            if (Character.isHighSurrogate(c)) {
                if (b.length() + 2 > length) {
                    break;
                }
                b.append(c).append(ALPHABET.charAt(at + 1));
            } else if (!Character.isLowSurrogate(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }
}
