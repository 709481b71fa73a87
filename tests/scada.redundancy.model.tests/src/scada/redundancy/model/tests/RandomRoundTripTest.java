package scada.redundancy.model.tests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.Test;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.Problem;
import scada.redundancy.model.ValidationReport;
import scada.redundancy.model.Failback;
import scada.redundancy.model.LocalServer;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;

/**
 * Properties over seeded random configurations. A failure prints the seed; replay it with
 * {@code ./mvnw -B verify -Dtest.argLine=-Dduplex.seed=<seed>} (the test runtime's system property).
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
            byte[] bytes;
            RedundancyConfiguration back;
            try {
                bytes = ConfigurationFile.toBytes(c);
                back = ConfigurationFile.parse(bytes, "random").configuration();
            } catch (ConfigurationReadException | RuntimeException e) {
                throw new AssertionError(context + ": the saved file cannot be read: " + e, e);
            }
            assertEquals(context, c, back);
            assertArrayEquals(context, bytes, ConfigurationFile.toBytes(back));
        }
    }

    /** Property: every quick fix the validator offers, applied, removes the problem it was offered for. */
    @Test
    public void everyQuickFixOfARandomConfigurationRemovesItsProblem() {
        long seed = Long.getLong("duplex.seed", System.nanoTime());
        Random random = new Random(seed);
        int fixes = 0;
        for (int n = 0; n < CONFIGURATIONS; n++) {
            RedundancyConfiguration c = plausible(random);
            String context = "configuration " + n + " of seed " + seed + " (replay with -Dduplex.seed=" + seed + ")";
            ValidationReport report;
            try {
                report = ConfigurationValidator.validate(c);
            } catch (RuntimeException e) {
                throw new AssertionError(context + ": validation failed: " + e, e);
            }
            for (Problem p : report.problems()) {
                if (p.quickFix().isEmpty()) {
                    continue;
                }
                fixes++;
                RedundancyConfiguration fixed = p.quickFix().get().applyTo(c);
                List<String> after = ConfigurationValidator.validate(fixed).at(p.field(), p.partnerIndex()).stream()
                        .map(Problem::message).toList();
                assertFalse(context + ": \"" + p.quickFix().get().label() + "\" left " + p + " in " + c,
                        after.contains(p.message()));
            }
        }
        assertTrue("the generator offers quick fixes to test: " + fixes, fixes > CONFIGURATIONS);
    }

    /** Values near the rules' edges, so that the rules and their fixes fire often. */
    private static RedundancyConfiguration plausible(Random r) {
        int localPort = pick(r, 8000, 8000, 8000, 0, 65536, -1, 1, 65535);
        LocalServer local = new LocalServer(pick(r, "A", "a", "B", "", "Partner 1"), localPort, r.nextBoolean(),
                r.nextBoolean(), pick(r, "", " ", "db"), "", Failback.MANUAL, pick(r, 3000, 0, -1, Integer.MIN_VALUE));
        int count = r.nextInt(6);
        List<Partner> partners = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            partners.add(new Partner(pick(r, 1, 2, 3, 0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE),
                    pick(r, "A", "B", "b", "Partner 2", ""), pick(r, "10.0.0.1", "10.0.0.2", "::1", "x"),
                    pick(r, 8000, 8001, 0, 65536, localPort),
                    pick(r, 1000, 1, 0, -1, Integer.MAX_VALUE, Integer.MAX_VALUE / 3, Integer.MAX_VALUE / 2 + 1),
                    pick(r, 3000, 2000, 1999, 0, Integer.MAX_VALUE, -1), pick(r, 3, 0, -1), r.nextBoolean(), "",
                    ""));
        }
        return new RedundancyConfiguration(local, partners);
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... values) {
        return values[r.nextInt(values.length)];
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
