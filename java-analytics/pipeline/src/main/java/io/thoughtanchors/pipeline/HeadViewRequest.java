package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import io.thoughtanchors.report.HeadView;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * A token-level head view ({@code ta head-view}, docs/algorithms.md §4.6): one short text's RAW attention in the
 * chosen heads, drawn as one offline HTML page. Start from {@link #of} and change what differs with the {@code with}
 * methods. A text of more than {@link HeadView#MAX_TOKENS} tokens (the worker's tokenizer, BOS included) is refused
 * before any attention pass.
 *
 * @param text  the text as the model reads it (the worker adds BOS)
 * @param heads the query heads to draw, in page order; distinct
 * @param out   the HTML file to write
 * @param force replace an existing {@code out}
 */
public record HeadViewRequest(String text, List<Head> heads, Path out, boolean force, WorkerTarget worker) {

    public HeadViewRequest {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(worker, "worker");
        heads = List.copyOf(heads);
        if (text.isEmpty()) {
            throw PipelineException.invalidRequest("the text is empty");
        }
        if (heads.isEmpty()) {
            throw PipelineException.invalidRequest("give at least one head (--layer L --head H, or --heads L:H,...)");
        }
        if (new HashSet<>(heads).size() != heads.size()) {
            throw PipelineException.invalidRequest("a head is given twice: " + heads);
        }
        if (heads.stream().anyMatch(h -> h.layer() < 0 || h.head() < 0)) {
            throw PipelineException.invalidRequest("layers and heads count from 0: " + heads);
        }
    }

    /** The text's view in {@code heads}, written to {@code out}; no worker yet. */
    public static HeadViewRequest of(String text, List<Head> heads, Path out) {
        return new HeadViewRequest(text, heads, out, false, WorkerTarget.none());
    }

    public HeadViewRequest withWorker(WorkerTarget worker) {
        return new HeadViewRequest(text, heads, out, force, worker);
    }

    public HeadViewRequest withForce(boolean force) {
        return new HeadViewRequest(text, heads, out, force, worker);
    }
}
