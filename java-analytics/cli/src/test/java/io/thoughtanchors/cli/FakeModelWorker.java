package io.thoughtanchors.cli;

import io.thoughtanchors.worker.AttentionMatrix;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.AttentionSink;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.ProgressListener;
import io.thoughtanchors.worker.TokenRange;
import io.thoughtanchors.worker.Tokenization;
import io.thoughtanchors.worker.WorkerException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * An in-process worker for tests. Tokens are whitespace-led words ({@code \s*\S+}, trailing whitespace on its
 * own) after a BOS with span (0, 0), so spans and prefix counts agree. Pooled attention is causal and seeded by
 * the text, layer and head: the same input always gives the same matrices. Counts the calls it answers.
 */
final class FakeModelWorker implements ModelWorker {

    static final String MODEL_ID = "fake-model";
    private static final Pattern TOKEN = Pattern.compile("\\s*\\S+|\\s+");

    final int layers;
    final int heads;
    int contractVersion = ModelInfo.CONTRACT_VERSION;
    /** 1-based attention call that fails as if the worker died; 0 = never. */
    int failOnAttentionCall;
    boolean unreachable;
    int tokenizeCalls;
    int attentionCalls;
    boolean closed;

    FakeModelWorker(int layers, int heads) {
        this.layers = layers;
        this.heads = heads;
    }

    @Override
    public ModelInfo describe() {
        if (unreachable) {
            throw new WorkerException(WorkerException.Kind.UNAVAILABLE, "Describe: connection refused");
        }
        return new ModelInfo(MODEL_ID, "FakeForCausalLM", layers, heads, heads,
                IntStream.range(0, heads).boxed().toList(), 8, 1000, 0, "float32", "fake", List.of("cpu"), 1 << 20,
                "fake-1", contractVersion, Set.of(ReceiversCommand.POOLED_ATTENTION), true,
                "Fake worker: deterministic pseudo-random attention.", 1 << 20);
    }

    @Override
    public Tokenization tokenize(String text, int[] prefixCharOffsets) {
        tokenizeCalls++;
        List<int[]> spans = spans(text);
        int n = spans.size() + 1;
        int[] ids = new int[n];
        int[] starts = new int[n];
        int[] ends = new int[n];
        List<String> tokens = new ArrayList<>(List.of("<bos>"));
        for (int t = 1; t < n; t++) {
            int[] span = spans.get(t - 1);
            ids[t] = t;
            starts[t] = span[0];
            ends[t] = span[1];
            tokens.add(text.substring(span[0], span[1]));
        }
        int[] prefixCounts = new int[prefixCharOffsets.length];
        for (int i = 0; i < prefixCounts.length; i++) {
            int p = prefixCharOffsets[i];
            prefixCounts[i] = p == 0 ? 0 : spans(text.substring(0, p)).size() + 1;
        }
        return new Tokenization(ids, starts, ends, prefixCounts, tokens);
    }

    @Override
    public void attention(AttentionQuery query, AttentionSink sink, ProgressListener progress) {
        attentionCalls++;
        if (attentionCalls == failOnAttentionCall) {
            throw new WorkerException(WorkerException.Kind.UNAVAILABLE, "Attention: the fake worker went away");
        }
        String text = ((ModelInput.Text) query.input()).text();
        int numTokens = spans(text).size() + 1;
        for (TokenRange r : query.poolRanges()) {
            if (r.end() > numTokens) {
                throw new WorkerException(WorkerException.Kind.INVALID_ARGUMENT, "pool range " + r + " beyond "
                        + numTokens + " tokens");
            }
        }
        int m = query.poolRanges().size();
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                sink.accept(new AttentionMatrix(l, h, m, m, causalMatrix(text.hashCode(), l, h, m)));
            }
            progress.onProgress(l + 1, layers);
        }
    }

    /** Lower triangle from a seeded generator; a few heavy columns per head give kurtosis something to find. */
    private static float[] causalMatrix(int textHash, int layer, int head, int m) {
        SplittableRandom random = new SplittableRandom(((long) textHash * 31 + layer) * 31 + head);
        float[] v = new float[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                double heavy = j % (3 + layer + head) == 0 ? 5.0 : 1.0;
                v[i * m + j] = (float) (heavy * random.nextDouble());
            }
        }
        return v;
    }

    private static List<int[]> spans(String text) {
        List<int[]> spans = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(text);
        while (matcher.find()) {
            spans.add(new int[] {matcher.start(), matcher.end()});
        }
        return spans;
    }

    @Override
    public LogitsResult logits(LogitsQuery query, ProgressListener progress) {
        throw new AssertionError("the commands under test never ask for logits");
    }

    @Override
    public void close() {
        closed = true;
    }
}
