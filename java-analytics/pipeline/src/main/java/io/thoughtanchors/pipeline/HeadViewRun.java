package io.thoughtanchors.pipeline;

import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.data.AtomicFiles;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.pipeline.worker.WorkerLink;
import io.thoughtanchors.report.HeadView;
import io.thoughtanchors.report.HeadViewPage;
import io.thoughtanchors.worker.AttentionMatrix;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.Tokenization;
import io.thoughtanchors.worker.WorkerException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ta head-view} (docs/algorithms.md §4.6): the text tokenised by the worker and refused above
 * {@link HeadView#MAX_TOKENS} before any forward pass, then RAW attention of exactly the requested heads (one call per
 * set of layers sharing the same heads, so nothing else leaves the worker), checked by the link like every answer,
 * and the page written atomically.
 */
final class HeadViewRun {

    static final String RAW_ATTENTION = "attention.raw";

    private HeadViewRun() {
    }

    static HeadViewResult run(HeadViewRequest request, WorkerConnector connector, Path workerLog, RunEvents events) {
        Path out = request.out();
        if (Files.isDirectory(out)) {
            throw PipelineException.output(out + " is a folder: give the HTML file to write", null);
        }
        if (Files.exists(out) && !request.force()) {
            throw PipelineException.output(out + " exists: give --force to replace it", null);
        }
        try (WorkerLink link = new WorkerLink(request.worker(), connector, workerLog, List.of(RAW_ATTENTION),
                events::warning)) {
            ModelInfo model = link.info();
            for (Head h : request.heads()) {
                if (h.layer() >= model.numLayers() || h.head() >= model.numQueryHeads()) {
                    throw PipelineException.invalidRequest(model.modelId() + " has no head " + h + ": it has layers 0-"
                            + (model.numLayers() - 1) + " and query heads 0-" + (model.numQueryHeads() - 1));
                }
            }
            Tokenization tokens = link.worker().tokenize(request.text(), new int[0]);
            if (tokens.size() > HeadView.MAX_TOKENS) {
                throw PipelineException.badInput(HeadView.tooLong(tokens.size()), null);
            }
            Map<Head, float[]> weights = fetch(link.worker(), tokens.ids(), request.heads());
            HeadView view = view(request, model, tokens, weights);
            String page = HeadViewPage.render(view);
            try {
                AtomicFiles.writeString(out.toAbsolutePath(), page);
            } catch (IOException e) {
                throw PipelineException.output("cannot write " + out + ": " + e.getMessage(), e);
            }
            return new HeadViewResult(request, model, view, out, events.warnings());
        }
    }

    /**
     * RAW attention of {@code heads} on {@code ids}: a query names layers and heads separately, so the layers that
     * want the same heads share one call.
     */
    static Map<Head, float[]> fetch(ModelWorker worker, int[] ids, List<Head> heads) {
        Map<Integer, List<Integer>> headsOfLayer = new TreeMap<>();
        heads.forEach(h -> headsOfLayer.computeIfAbsent(h.layer(), l -> new ArrayList<>()).add(h.head()));
        Map<List<Integer>, List<Integer>> layersOfHeads = new LinkedHashMap<>();
        headsOfLayer.forEach((layer, hs) -> layersOfHeads.computeIfAbsent(hs.stream().sorted().toList(),
                k -> new ArrayList<>()).add(layer));
        int n = ids.length;
        Map<Head, float[]> weights = new HashMap<>();
        layersOfHeads.forEach((hs, layers) -> {
            AttentionQuery query = AttentionQuery.raw(ModelInput.tokens(ids)).withLayers(layers).withHeads(hs);
            worker.attention(query, (AttentionMatrix m) -> {
                Head head = new Head(m.layer(), m.head());
                if (!layers.contains(m.layer()) || !hs.contains(m.head()) || m.rows() != n || m.cols() != n
                        || weights.containsKey(head)) {
                    throw new WorkerException(WorkerException.Kind.CONTRACT_MISMATCH, "unexpected " + m.rows() + "x"
                            + m.cols() + " matrix for " + head + " (asked layers " + layers + ", heads " + hs
                            + ", each once, " + n + "x" + n + ")");
                }
                weights.put(head, m.values());
            });
        });
        for (Head h : heads) {
            if (!weights.containsKey(h)) {
                throw new WorkerException(WorkerException.Kind.CONTRACT_MISMATCH, "no attention for " + h);
            }
        }
        return weights;
    }

    private static HeadView view(HeadViewRequest request, ModelInfo model, Tokenization t, Map<Head, float[]> w) {
        String text = request.text();
        try {
            List<HeadView.Token> tokens = new ArrayList<>(t.size());
            for (int i = 0; i < t.size(); i++) {
                tokens.add(HeadView.Token.of(t.ids()[i], text, t.charStarts()[i], t.charEnds()[i], t.tokens().get(i)));
            }
            List<HeadView.HeadMatrix> heads = request.heads().stream()
                    .map(h -> new HeadView.HeadMatrix(h.layer(), h.head(), w.get(h))).toList();
            return new HeadView(model.modelId(), model.dtype(), model.syntheticWeights(), model.notes(), text, tokens,
                    heads);
        } catch (IllegalArgumentException e) {
            throw PipelineException.worker("the worker's answer cannot be drawn: " + e.getMessage(), e);
        }
    }
}
