package io.thoughtanchors.worker;

import java.util.List;

/** Half-open token range {@code [start, end)}; positions count BOS as 0. Empty ranges are allowed. */
public record TokenRange(int start, int end) {

    public TokenRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad token range [" + start + ", " + end + ")");
        }
    }

    public int length() {
        return end - start;
    }

    public boolean isEmpty() {
        return start == end;
    }

    public boolean contains(int position) {
        return start <= position && position < end;
    }

    /** Checks the order the wire contract requires of pool ranges: sorted and non-overlapping. */
    public static List<TokenRange> requireSortedDisjoint(List<TokenRange> ranges, String what) {
        List<TokenRange> copy = List.copyOf(ranges);
        for (int i = 1; i < copy.size(); i++) {
            if (copy.get(i).start() < copy.get(i - 1).end()) {
                throw new IllegalArgumentException(what + " must be sorted and non-overlapping, but "
                        + copy.get(i - 1) + " is followed by " + copy.get(i));
            }
        }
        return copy;
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
