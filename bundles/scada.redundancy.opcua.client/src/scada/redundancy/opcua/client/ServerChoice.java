package scada.redundancy.opcua.client;

import java.util.Map;

/**
 * Which server a non-transparent-redundancy client keeps its subscription on (OPC UA Part 4
 * §6.6.2.4.2): the one with the highest ServiceLevel, but it stays where it is unless another is
 * clearly better, so that two servers whose levels differ by a point or two (two healthy
 * backups, a health figure that wobbles) do not make it move back and forth. Pure.
 */
final class ServerChoice {
    /** How many points another server must be above the current one, within one sub-range of Part 4, to move. */
    static final int HYSTERESIS = 5;

    private ServerChoice() {
    }

    /**
     * The server to be on.
     *
     * @param current the server the subscription is on now, or null when it is on none (first
     *                choice, or its server was lost)
     * @param levels  the known ServiceLevel of every server that answers, in the order of
     *                preference on a tie (the order the servers were given)
     * @return {@code current} unless another is clearly better; the best when {@code current} is
     *         null or not in {@code levels}; null when {@code levels} is empty
     */
    static String choose(String current, Map<String, Integer> levels) {
        String best = null;
        int bestLevel = -1;
        for (Map.Entry<String, Integer> e : levels.entrySet()) {
            if (e.getValue() > bestLevel) {
                best = e.getKey();
                bestLevel = e.getValue();
            }
        }
        Integer currentLevel = current == null ? null : levels.get(current);
        if (currentLevel == null || best == null) {
            return best; // a server at level 0 or 1 is taken only when nothing better answers: it is the best then
        }
        if (bestLevel > currentLevel + HYSTERESIS || subRange(bestLevel) > subRange(currentLevel)) {
            return best;
        }
        return current;
    }

    /** The sub-ranges of Part 4: 0 Maintenance, 1 NoData, 2..199 Degraded, 200..255 Healthy. */
    static int subRange(int level) {
        if (level <= 1) {
            return level;
        }
        return level < 200 ? 2 : 3;
    }

    /** The sub-range's name, for reasons. */
    static String subRangeName(int level) {
        return switch (subRange(level)) {
            case 0 -> "Maintenance";
            case 1 -> "NoData";
            case 2 -> "Degraded";
            default -> "Healthy";
        };
    }
}
