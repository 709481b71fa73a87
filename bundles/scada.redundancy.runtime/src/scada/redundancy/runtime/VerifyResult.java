package scada.redundancy.runtime;

import java.util.List;

/**
 * The result of Verify: Verified only when no difference was found.
 *
 * @param partnerSymbol the partner verified
 * @param verified      true when the two configurations fit together
 * @param differences   every reason for Not Verified, each a plain sentence
 */
public record VerifyResult(String partnerSymbol, boolean verified, List<String> differences) {
    public VerifyResult {
        differences = List.copyOf(differences);
    }
}
