package io.thoughtanchors.pipeline.worker;

import io.thoughtanchors.worker.AttentionMatrix;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.AttentionSink;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.Nucleus;
import io.thoughtanchors.worker.ProgressListener;
import io.thoughtanchors.worker.Suppression;
import io.thoughtanchors.worker.TokenRange;
import io.thoughtanchors.worker.Tokenization;
import io.thoughtanchors.worker.VariantLogits;
import io.thoughtanchors.worker.WorkerException;

import java.util.List;
import java.util.Map;

/**
 * A worker whose every answer is checked against what the contract guarantees before anything uses or caches it,
 * so that a broken worker (NaN everywhere, a wrong shape, ids outside the vocabulary) fails the run with a worker
 * error instead of being cached and reused. Checked: token ids inside the vocabulary and spans inside the text;
 * matrices of the requested side; pooled cells of non-empty ranges finite and within [0, 1]; RAW rows finite and
 * summing to 1; nuclei covering what they must, with finite logits, distinct ids inside the vocabulary and retained
 * mass in (0, 1]; full logits finite, one per vocabulary entry. A violation is a
 * {@link WorkerException.Kind#CONTRACT_MISMATCH} naming what is wrong and where.
 */
public final class CheckedModelWorker implements ModelWorker {

    /** Float32 rounding slack of probabilities and their sums as the worker computes them. */
    static final double PROBABILITY_SLACK = 1e-4;
    static final double ROW_SUM_SLACK = 1e-3;

    private final ModelWorker worker;
    private final ModelInfo model;

    /** @param model what {@code worker} described, whose vocabulary bounds the ids */
    public CheckedModelWorker(ModelWorker worker, ModelInfo model) {
        this.worker = worker;
        this.model = model;
    }

    @Override
    public ModelInfo describe() {
        return worker.describe();
    }

    @Override
    public Tokenization tokenize(String text, int[] prefixCharOffsets) {
        Tokenization t = worker.tokenize(text, prefixCharOffsets);
        if (t.size() == 0) {
            throw invalid("Tokenize answered no token");
        }
        for (int i = 0; i < t.size(); i++) {
            checkId(t.ids()[i], "Tokenize: token " + i);
            if (t.charEnds()[i] > text.length()) {
                throw invalid("Tokenize: token " + i + " ends at character " + t.charEnds()[i] + " of a "
                        + text.length() + "-character text");
            }
        }
        if (t.prefixTokenCounts().length != prefixCharOffsets.length) {
            throw invalid("Tokenize answered " + t.prefixTokenCounts().length + " prefix counts for "
                    + prefixCharOffsets.length + " offsets");
        }
        for (int i = 0; i < prefixCharOffsets.length; i++) {
            int count = t.prefixTokenCounts()[i];
            if (count < 0 || count > t.size()) {
                throw invalid("Tokenize: prefix " + prefixCharOffsets[i] + " has " + count + " tokens, the text "
                        + t.size());
            }
        }
        return t;
    }

    @Override
    public void attention(AttentionQuery query, AttentionSink sink, ProgressListener progress) {
        worker.attention(query, m -> {
            check(query, m);
            sink.accept(m);
        }, progress);
    }

    private void check(AttentionQuery query, AttentionMatrix m) {
        if (m.layer() < 0 || m.layer() >= model.numLayers() || m.head() < 0 || m.head() >= model.numQueryHeads()) {
            throw invalid("attention for layer " + m.layer() + " head " + m.head() + " of a " + model.numLayers()
                    + "x" + model.numQueryHeads() + " model");
        }
        if (query.mode() == AttentionQuery.Mode.POOLED) {
            checkPooled(query.poolRanges(), m);
        } else {
            checkRaw(query, m);
        }
    }

    /** A block mean of probabilities is within [0, 1]; a range without tokens has none (NaN, not checked). */
    private static void checkPooled(List<TokenRange> ranges, AttentionMatrix m) {
        int n = ranges.size();
        if (m.rows() != n || m.cols() != n) {
            throw invalid("pooled attention of layer " + m.layer() + " head " + m.head() + " is " + m.rows() + "x"
                    + m.cols() + " for " + n + " ranges");
        }
        float[] v = m.values();
        for (int i = 0; i < n; i++) {
            if (ranges.get(i).isEmpty()) {
                continue;
            }
            for (int j = 0; j < n; j++) {
                float x = v[i * n + j];
                if (!ranges.get(j).isEmpty() && !(x >= 0 && x <= 1 + PROBABILITY_SLACK)) {
                    throw invalid("pooled attention of layer " + m.layer() + " head " + m.head() + " is " + x
                            + " at ranges (" + i + ", " + j + "), outside [0, 1]");
                }
            }
        }
    }

    /** Each row is a softmax: finite, within [0, 1], summing to 1 (a row whose every key is suppressed: NaN). */
    private static void checkRaw(AttentionQuery query, AttentionMatrix m) {
        if (m.rows() != m.cols()) {
            throw invalid("raw attention of layer " + m.layer() + " head " + m.head() + " is " + m.rows() + "x"
                    + m.cols());
        }
        int n = m.cols();
        float[] v = m.values();
        for (int i = 0; i < m.rows(); i++) {
            if (!query.suppression().isBaseline() && Float.isNaN(v[i * n])) {
                continue;
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                float x = v[i * n + j];
                if (!(x >= 0 && x <= 1 + PROBABILITY_SLACK)) {
                    throw invalid("raw attention of layer " + m.layer() + " head " + m.head() + " is " + x
                            + " at (" + i + ", " + j + ")");
                }
                sum += x;
            }
            if (Math.abs(sum - 1) > ROW_SUM_SLACK) {
                throw invalid("raw attention of layer " + m.layer() + " head " + m.head() + ": row " + i + " sums to "
                        + sum + ", not 1");
            }
        }
    }

    @Override
    public LogitsResult logits(LogitsQuery query, ProgressListener progress) {
        LogitsResult r = worker.logits(query, progress);
        if (query.input() instanceof ModelInput.Tokens tokens && r.numTokens() != tokens.length()) {
            throw invalid("Logits counted " + r.numTokens() + " tokens in an input of " + tokens.length() + " ids");
        }
        if (r.variants().size() != query.variants().size()) {
            throw invalid("Logits answered " + r.variants().size() + " variants for " + query.variants().size());
        }
        for (VariantLogits v : r.variants()) {
            Suppression s = query.variants().get(v.variant());
            if (v.nucleus().isPresent() != query.nucleus().isPresent()) {
                throw invalid("Logits: variant " + v.variant() + (query.nucleus().isPresent() ? " has no nucleus"
                        : " has a nucleus nobody asked for"));
            }
            v.nucleus().ifPresent(n -> checkNucleus(n, s, query.fullRecompute(), r.numTokens(), v.variant()));
            checkFullLogits(query, v, r.numTokens());
        }
        return r;
    }

    /** A nucleus covers every position its suppression can change, up to the end of the input. */
    private void checkNucleus(Nucleus n, Suppression s, boolean fullRecompute, int numTokens, int variant) {
        String where = "Logits: variant " + variant + "'s nucleus";
        int mustStartBy = s.isBaseline() || fullRecompute ? 0 : s.ranges().stream().filter(r -> !r.isEmpty())
                .mapToInt(TokenRange::start).min().orElse(0);
        if (n.firstPosition() > Math.min(mustStartBy, numTokens) || n.endPosition() != numTokens) {
            throw invalid(where + " holds positions " + n.firstPosition() + ".." + (n.endPosition() - 1)
                    + ", but must cover " + Math.min(mustStartBy, numTokens) + ".." + (numTokens - 1));
        }
        int[] lastSeen = new int[model.vocabSize()];
        for (int p = n.firstPosition(); p < n.endPosition(); p++) {
            float mass = n.retainedMassAt(p);
            if (!(mass > 0 && mass <= 1 + PROBABILITY_SLACK)) {
                throw invalid(where + " keeps mass " + mass + " at position " + p + ", outside (0, 1]");
            }
            int from = n.start(p);
            for (int k = from; k < from + n.size(p); k++) {
                int id = n.ids()[k];
                checkId(id, where + " at position " + p);
                if (lastSeen[id] == p + 1) {
                    throw invalid(where + " keeps token " + id + " twice at position " + p);
                }
                lastSeen[id] = p + 1;
                if (!Float.isFinite(n.logits()[k])) {
                    throw invalid(where + " has logit " + n.logits()[k] + " for token " + id + " at position " + p);
                }
            }
        }
    }

    private void checkFullLogits(LogitsQuery query, VariantLogits v, int numTokens) {
        for (int requested : query.fullLogitPositions()) {
            int p = requested < 0 ? requested + numTokens : requested;
            if (p >= v.firstPosition() && !v.fullLogits().containsKey(p)) {
                throw invalid("Logits: variant " + v.variant() + " has no logits for position " + p);
            }
        }
        for (Map.Entry<Integer, float[]> e : v.fullLogits().entrySet()) {
            float[] z = e.getValue();
            if (z.length != model.vocabSize()) {
                throw invalid("Logits: variant " + v.variant() + " has " + z.length + " logits at position "
                        + e.getKey() + " for a vocabulary of " + model.vocabSize());
            }
            for (int id = 0; id < z.length; id++) {
                if (!Float.isFinite(z[id])) {
                    throw invalid("Logits: variant " + v.variant() + " has logit " + z[id] + " for token " + id
                            + " at position " + e.getKey());
                }
            }
        }
    }

    private void checkId(int id, String where) {
        if (id < 0 || id >= model.vocabSize()) {
            throw invalid(where + " has id " + id + ", outside the vocabulary [0, " + model.vocabSize() + ")");
        }
    }

    private static WorkerException invalid(String what) {
        return new WorkerException(WorkerException.Kind.CONTRACT_MISMATCH, "the worker answered invalid values: "
                + what);
    }

    @Override
    public void close() {
        worker.close();
    }
}
