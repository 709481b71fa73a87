package scada.redundancy.dbsync.internal;

import java.util.List;
import java.util.Objects;

/**
 * What two DB-sync engines say to each other on the {@value #CHANNEL} channel. Encoded and
 * decoded by {@link SyncMessageCodec}; every message is immutable.
 * <p>
 * The protocol is anti-entropy over origins: each side tells the other, in a {@link Vector},
 * how far it holds every origin's rows and from whom it wants the rows it lacks; a side that is
 * asked sends {@link Rows} from the asker's mark, or {@link Missing} when it cannot. A VECTOR is
 * also the acknowledgement of the batches applied, and the keep-alive.
 */
public sealed interface SyncMessage permits SyncMessage.Vector, SyncMessage.Rows, SyncMessage.Missing {
    /** The channel of the redundancy link DB sync talks on. */
    String CHANNEL = "dbsync";

    /**
     * How far the sender holds each origin and what it wants, plus the link accounting.
     *
     * @param schemaVersion    the sender's store schema version; rows flow only between equal versions
     * @param origin           the sender's own origin id
     * @param enabled          DB sync is on at the sender
     * @param nonce            the sender's engine session: new on every start, so counters below restart with it
     * @param sentBatches      how many ROWS messages the sender has sent to the receiver under {@code nonce}
     * @param echoNonce        the receiver's nonce the next field counts, 0 if none known yet
     * @param accountedBatches the highest batch number of the receiver's (under {@code echoNonce}) that the
     *                         sender has either processed or knows lost (the channel is in order: a later
     *                         batch, or a VECTOR claiming more were sent, proves the earlier ones arrived or
     *                         never will)
     * @param problem          a plain sentence when the sender's store fails (applying or reading), else empty
     * @param origins          per origin: the sender's mark, its lowest held seq, and whom it wants rows from
     */
    record Vector(int schemaVersion, String origin, boolean enabled, long nonce, long sentBatches, long echoNonce,
            long accountedBatches, String problem, List<OriginState> origins) implements SyncMessage {
        public Vector {
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(problem, "problem");
            origins = List.copyOf(origins);
        }
    }

    /**
     * One origin in a {@link Vector}.
     *
     * @param origin     the origin id
     * @param mark       the sender's high-water mark of it (0 when it holds none)
     * @param lowestHeld the lowest seq of it the sender still holds, 0 if none
     * @param source     the origin id of the store the sender wants this origin's missing rows from, or empty
     */
    record OriginState(String origin, long mark, long lowestHeld, String source) {
        public OriginState {
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * A batch of rows of one origin, in seq order without holes.
     *
     * @param nonce   the sender's engine session (see {@link Vector#nonce()})
     * @param batchNo this batch's number among the ROWS the sender sent to the receiver under {@code nonce}, from 1
     * @param rows    at least one row, all of one origin, consecutive seqs
     */
    record Rows(long nonce, long batchNo, List<Row> rows) implements SyncMessage {
        public Rows {
            rows = List.copyOf(rows);
            if (rows.isEmpty()) {
                throw new IllegalArgumentException("a ROWS message holds at least one row");
            }
            String origin = rows.get(0).origin();
            long seq = rows.get(0).seq();
            for (Row r : rows) {
                if (!r.origin().equals(origin) || r.seq() != seq) {
                    throw new IllegalArgumentException("a ROWS message holds consecutive rows of one origin: row "
                            + r.origin() + "/" + r.seq() + " follows " + origin + "/" + (seq - 1));
                }
                seq++;
            }
        }

        public String origin() {
            return rows.get(0).origin();
        }

        public long firstSeq() {
            return rows.get(0).seq();
        }

        public long lastSeq() {
            return rows.get(rows.size() - 1).seq();
        }
    }

    /**
     * The sender cannot supply rows the receiver asked it for: it purged them or never had them.
     *
     * @param origin  whose rows
     * @param fromSeq the first it lacks
     * @param toSeq   the last it lacks (inclusive)
     * @param reason  why, in plain words, naming the sender
     */
    record Missing(String origin, long fromSeq, long toSeq, String reason) implements SyncMessage {
        public Missing {
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(reason, "reason");
            if (fromSeq < 1 || toSeq < fromSeq) {
                throw new IllegalArgumentException("missing rows run from seq " + fromSeq + " to " + toSeq);
            }
        }
    }
}
