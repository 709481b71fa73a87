package scada.redundancy.modbus.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import scada.redundancy.project.Area;
import scada.redundancy.project.Tag;

/**
 * One Modbus read that serves several tags: a range of one area, read at one poll period.
 * Neighbouring tags share a request (PLCs answer one request for 20 registers as fast as one for
 * 2), up to the protocol's limits.
 */
record ReadBlock(Area area, int offset, int count, int pollMs, List<Tag> tags) {
    /** Modbus's limits per request: 125 registers, 2000 bits. */
    static final int MAX_REGISTERS = 125;
    static final int MAX_BITS = 2000;
    /** Unused registers a block may span to join two tags: reading them costs less than a request. */
    static final int MAX_GAP = 8;

    /** The blocks that read {@code tags}: one per area and poll period, split at the limits and at wide gaps. */
    static List<ReadBlock> plan(List<Tag> tags) {
        List<ReadBlock> blocks = new ArrayList<>();
        List<Tag> sorted = new ArrayList<>(tags);
        sorted.sort(Comparator.comparingInt(Tag::pollMs).thenComparing(Tag::area).thenComparingInt(Tag::offset));
        List<Tag> current = new ArrayList<>();
        for (Tag t : sorted) {
            if (!current.isEmpty()) {
                Tag first = current.get(0);
                int end = current.stream().mapToInt(c -> c.offset() + c.span()).max().getAsInt();
                int limit = t.area().isBits() ? MAX_BITS : MAX_REGISTERS;
                boolean joins = first.pollMs() == t.pollMs() && first.area() == t.area() && t.offset() - end <= MAX_GAP
                        && t.offset() + t.span() - first.offset() <= limit;
                if (!joins) {
                    blocks.add(of(current));
                    current = new ArrayList<>();
                }
            }
            current.add(t);
        }
        if (!current.isEmpty()) {
            blocks.add(of(current));
        }
        return blocks;
    }

    private static ReadBlock of(List<Tag> tags) {
        Tag first = tags.get(0);
        int end = tags.stream().mapToInt(c -> c.offset() + c.span()).max().getAsInt();
        return new ReadBlock(first.area(), first.offset(), end - first.offset(), first.pollMs(), List.copyOf(tags));
    }

    /** The engineering value of {@code tag} in the block's answer. */
    double value(Tag tag, int[] words) {
        double raw = tag.type().decode(words, tag.offset() - offset);
        return tag.scaling().apply(raw);
    }
}
