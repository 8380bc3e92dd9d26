/**
 * A run's output folder and what goes in it: result tables (CSV and results.json), run.json headers and bodies,
 * the comparison with published matrices, and the reader of an earlier suppression run's folder.
 */
package io.thoughtanchors.pipeline.output;
