/**
 * The workbench's analyses as a library, what the {@code ta} command line and Java scripts share.
 *
 * <p>Entry points are the methods of {@link io.thoughtanchors.pipeline.Pipeline}: receivers, suppression matrix,
 * suppress-check, report, describe. Each takes an immutable request record (start from its {@code of…} factory,
 * change what differs with {@code with…}) and returns a result holding what was computed and where the files went.
 * Warnings and progress go to a {@link io.thoughtanchors.pipeline.PipelineListener}; every failure is a
 * {@link io.thoughtanchors.pipeline.PipelineException} with its kind.
 *
 * <p>The sub-packages follow the seams of a run: {@code cache} (the pooled-attention cache and atomic, checked
 * files), {@code suppression} (suppression passes and their store), {@code worker} (reaching and checking a model
 * worker), {@code output} (output folder, result tables, run.json), {@code report} (the numbers a report draws).
 * They use this package's API types (exception, listener, trace plan), never its runs.
 */
package io.thoughtanchors.pipeline;
