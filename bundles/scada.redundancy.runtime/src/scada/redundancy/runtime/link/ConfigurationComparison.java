package scada.redundancy.runtime.link;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import scada.redundancy.model.ConfigurationFile;
import scada.redundancy.model.ConfigurationReadException;
import scada.redundancy.model.ConfigurationValidator;
import scada.redundancy.model.Failback;
import scada.redundancy.model.IpAddresses;
import scada.redundancy.model.Partner;
import scada.redundancy.model.RedundancyConfiguration;
import scada.redundancy.model.ValidationContext;
import scada.redundancy.runtime.VerifyResult;
import scada.redundancy.runtime.link.LinkProtocol.ConfigView;

/**
 * Verify: whether this server's configuration and a partner's fit together. Each difference is
 * a sentence that names both sides' values, so the operator knows which file to change.
 */
public final class ConfigurationComparison {
    private ConfigurationComparison() {
    }

    public static VerifyResult compare(ConfigView mine, RedundancyConfiguration myConfig, Partner myRow, ConfigView theirs) {
        List<String> d = new ArrayList<>();
        String me = mine.symbol();
        String them = myRow.symbol();
        RedundancyConfiguration their;
        try {
            their = ConfigurationFile.parse(theirs.configuration().getBytes(StandardCharsets.UTF_8), them).configuration();
        } catch (ConfigurationReadException e) {
            return new VerifyResult(them, false, List.of(them + "'s configuration cannot be read: " + e.getMessage()));
        }
        if (!key(theirs.symbol()).equals(key(them))) {
            d.add("the server at " + myRow.ipAddress() + " calls itself \"" + theirs.symbol() + "\", but " + me
                    + " lists it as \"" + them + "\"");
        }
        if (theirs.port() != mine.port()) {
            d.add("port mismatch: " + me + " uses " + mine.port() + ", " + them + " uses " + theirs.port()
                    + " (port numbers must match on both servers)");
        }
        if (!theirs.address().isEmpty() && !normalize(myRow.ipAddress()).equals(normalize(theirs.address()))) {
            d.add(me + " expects " + them + " at " + myRow.ipAddress() + ", but it runs at " + theirs.address());
        }
        Partner theirRow = their.partners().stream().filter(p -> key(p.symbol()).equals(key(me))).findFirst().orElse(null);
        if (theirRow == null) {
            d.add(them + " does not list " + me + " among its partners; add a row for " + me + " (" + mine.address()
                    + ":" + mine.port() + ") on " + them);
        } else {
            if (!theirRow.activate()) {
                d.add(them + " has its row for " + me + " switched off (Activate)");
            }
            if (!mine.address().isEmpty() && !normalize(theirRow.ipAddress()).equals(normalize(mine.address()))) {
                d.add(them + " expects " + me + " at " + theirRow.ipAddress() + ", but it runs at " + mine.address());
            }
            if (theirRow.port() != mine.port()) {
                d.add(them + " expects " + me + " on port " + theirRow.port() + ", but it listens on " + mine.port());
            }
            timing(d, "Period (ms)", me, myRow.periodMs(), them, theirRow.periodMs());
            timing(d, "Timeout (ms)", me, myRow.timeoutMs(), them, theirRow.timeoutMs());
            timing(d, "Retry Count", me, myRow.retryCount(), them, theirRow.retryCount());
            if (!theirRow.normalizedCertificateSha256().isEmpty() && !mine.certificateFingerprint().isEmpty()
                    && !theirRow.normalizedCertificateSha256().equals(mine.certificateFingerprint())) {
                d.add(them + " pins a certificate for " + me + " that is not " + me + "'s certificate ("
                        + mine.certificateFingerprint() + ")");
            }
        }
        if (!myRow.normalizedCertificateSha256().isEmpty()
                && !myRow.normalizedCertificateSha256().equals(theirs.certificateFingerprint())) {
            d.add(me + " pins a certificate for " + them + " that is not " + them + "'s certificate ("
                    + theirs.certificateFingerprint() + ")");
        }
        if (myConfig.thisScada().enableDbSync() != their.thisScada().enableDbSync()) {
            d.add("Enable DB Sync is " + onOff(myConfig.thisScada().enableDbSync()) + " on " + me + " but "
                    + onOff(their.thisScada().enableDbSync()) + " on " + them);
        } else if (myConfig.thisScada().enableDbSync()
                && !myConfig.thisScada().database().equals(their.thisScada().database())) {
            d.add("the Database differs: \"" + myConfig.thisScada().database() + "\" on " + me + ", \""
                    + their.thisScada().database() + "\" on " + them);
        }
        if (myConfig.thisScada().failback() == Failback.AUTOMATIC && their.thisScada().failback() == Failback.AUTOMATIC) {
            d.add("both " + me + " and " + them + " are set to automatic fail-back; set only the preferred primary to "
                    + "automatic");
        }
        if (mine.projectFingerprint() != null && !mine.projectFingerprint().equals(theirs.projectFingerprint())) {
            d.add("the SCADA projects differ (" + shortFp(mine.projectFingerprint()) + " on " + me + ", "
                    + shortFp(theirs.projectFingerprint()) + " on " + them
                    + "): a missing tag, screen or script makes failover unsafe; deploy the same project to both");
        }
        IpAddresses.parse(theirs.address()).ifPresent(address -> ConfigurationValidator
                .validate(their, ValidationContext.boundTo(address)).errors()
                .forEach(p -> d.add(them + "'s configuration has an error: " + p.path() + ": " + p.message())));
        if (d.isEmpty() && !mine.setFingerprint().isEmpty() && !mine.setFingerprint().equals(theirs.setFingerprint())) {
            d.add(me + " and " + them + " see different redundancy sets (other members or timings)");
        }
        return new VerifyResult(them, d.isEmpty(), d);
    }

    /**
     * Verify from the studio: the configuration being edited (This SCADA's view) against the
     * partner's running configuration. The studio does not know this server's own address,
     * certificate or project, so those checks are left to Verify on the running server.
     */
    public static VerifyResult compareFromStudio(RedundancyConfiguration mine, Partner myRow, ConfigView theirs) {
        ConfigView view = new ConfigView(mine.thisScada().symbol(), "", mine.thisScada().port(),
                new String(ConfigurationFile.toBytes(mine), StandardCharsets.UTF_8), "", null, "");
        return compare(view, mine, myRow, theirs);
    }

    private static void timing(List<String> d, String field, String me, int mine, String them, int theirs) {
        if (mine != theirs) {
            d.add(field + " differs: " + mine + " on " + me + "'s row for " + them + ", " + theirs + " on " + them
                    + "'s row for " + me);
        }
    }

    private static String shortFp(String fp) {
        return fp.isEmpty() ? "no project" : "project " + fp.substring(0, Math.min(12, fp.length()));
    }

    private static String onOff(boolean b) {
        return b ? "on" : "off";
    }

    private static String key(String s) {
        return s.strip().toLowerCase(Locale.ROOT);
    }

    private static String normalize(String address) {
        return Fingerprints.normalize(address);
    }
}
