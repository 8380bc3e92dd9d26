package io.thoughtanchors.analysis.attention;

/** Whether layer-0 heads compete in the ranking (HEAD includes them; the paper and reliability code do not). */
public enum LayerZero {
    INCLUDE,
    EXCLUDE
}
