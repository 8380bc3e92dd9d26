package io.thoughtanchors.analysis.attention;

/**
 * A trace gives a NaN kurtosis where the {@link NanHeadPolicy} asserts there is none (docs/algorithms.md §6.2): a property of the data
 * under that policy, not a bug.
 */
public final class NanKurtosisException extends IllegalStateException {

    public NanKurtosisException(String message) {
        super(message);
    }
}
