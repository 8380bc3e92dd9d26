package io.thoughtanchors.analysis.compare;

/** Whether the resampling-method score uses |C| ({@code v_uzay_abs}) or signed C ({@code v_uzay}). */
public enum ImportanceTransform {
    ABSOLUTE,
    SIGNED
}
