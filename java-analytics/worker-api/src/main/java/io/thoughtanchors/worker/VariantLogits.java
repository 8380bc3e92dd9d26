package io.thoughtanchors.worker;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The logits of one suppression variant.
 *
 * @param variant       index into {@link LogitsQuery#variants()}
 * @param firstPosition first position shipped; earlier ones equal the baseline's (prefix reuse)
 * @param nucleus       present iff the query asked for a nucleus
 * @param fullLogits    absolute position -> logits [V], for the requested positions that were shipped
 */
public record VariantLogits(int variant, int firstPosition, Optional<Nucleus> nucleus,
                            SortedMap<Integer, float[]> fullLogits) {

    public VariantLogits {
        fullLogits = Collections.unmodifiableSortedMap(new TreeMap<>(fullLogits));
    }
}
