/**
 * Suppression passes of one trace (baseline and one pass per suppressed sentence, run concurrently and retried),
 * the store that keeps their results per trace, and the per-position divergences the matrix is built from.
 */
package io.thoughtanchors.pipeline.suppression;
