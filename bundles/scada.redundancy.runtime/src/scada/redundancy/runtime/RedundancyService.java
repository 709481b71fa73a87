package scada.redundancy.runtime;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import scada.redundancy.model.RedundancyConfiguration;

/**
 * The redundancy runtime of this server: its status, the operator's actions and the
 * configuration in force. Every method returns at once; actions complete their stage later.
 */
public interface RedundancyService {

    /** A snapshot of the current status. */
    RedundancyStatus status();

    /**
     * The configuration in force: what this server last applied (a changed file that was refused
     * is not it). Services that follow the configuration (DB sync reads Enable DB Sync and
     * Database) read it again when a {@link StatusListener} tells them the status changed.
     */
    RedundancyConfiguration configuration();

    /**
     * Try To Connect: resets the partner's retries and fault, opens (or re-uses) the link and
     * reports the result.
     *
     * @param partnerSymbol the partner's Symbol as configured
     */
    CompletionStage<ConnectResult> tryToConnect(String partnerSymbol, Duration timeout);

    /** Verify: compares this server's configuration with the partner's and lists every difference. */
    CompletionStage<VerifyResult> verify(String partnerSymbol, Duration timeout);

    /**
     * Hands the primary role over to the best connected backup (a manual switch-over, or the
     * step before maintenance). Completes with the successor's Symbol, or fails when no backup
     * can take over.
     */
    CompletionStage<String> handOver(Duration timeout);

    /**
     * Puts a new configuration in force, all or nothing: a configuration with validation errors
     * is refused with them and the old one stays. Activate switches take effect at once.
     */
    CompletionStage<Void> applyConfiguration(RedundancyConfiguration configuration);
}
