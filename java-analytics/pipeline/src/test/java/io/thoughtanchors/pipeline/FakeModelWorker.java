package io.thoughtanchors.pipeline;

import io.thoughtanchors.worker.AttentionMatrix;
import io.thoughtanchors.worker.AttentionQuery;
import io.thoughtanchors.worker.AttentionSink;
import io.thoughtanchors.worker.GenerateQuery;
import io.thoughtanchors.worker.Kernel;
import io.thoughtanchors.worker.Generation;
import io.thoughtanchors.worker.LogitsQuery;
import io.thoughtanchors.worker.LogitsResult;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import io.thoughtanchors.worker.ModelWorker;
import io.thoughtanchors.worker.Nucleus;
import io.thoughtanchors.worker.ProgressListener;
import io.thoughtanchors.worker.Suppression;
import io.thoughtanchors.worker.TokenSink;
import io.thoughtanchors.worker.TokenRange;
import io.thoughtanchors.worker.Tokenization;
import io.thoughtanchors.worker.VariantLogits;
import io.thoughtanchors.worker.WorkerException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * An in-process worker for tests. Tokens are whitespace-led words ({@code \s*\S+}, trailing whitespace on its
 * own) after a BOS (id 0, span (0, 0)), so spans and prefix counts agree; token t has id {@code 1 + (t−1) mod
 * (VOCAB−1)}. Pooled attention is causal and seeded by
 * the text, layer and head: the same input always gives the same matrices. Logits are seeded by the tokens up to
 * each position and, from a variant's first suppressed token on, by its suppression: positions before it equal
 * the baseline's, as a causal model's would, and are not shipped unless {@code fullRecompute}. Counts the calls it
 * answers; logits may be asked for from several threads.
 */
public class FakeModelWorker implements ModelWorker {

    public static final String MODEL_ID = "fake-model";
    public static final int VOCAB = 1000;
    /** Nuclei draw from this many ids, so that the baseline's and a variant's sets often overlap. */
    private static final int NUCLEUS_IDS = 24;
    private static final Pattern TOKEN = Pattern.compile("\\s*\\S+|\\s+");

    public final int layers;
    public final int heads;
    public int contractVersion = ModelInfo.CONTRACT_VERSION;
    /** 1-based attention call that fails as if the worker died; 0 = never. */
    public int failOnAttentionCall;
    public boolean unreachable;
    /** A broken worker: NaN for every attention value and every logit it sends. */
    public boolean nanValues;
    /** Layer 1 head 0 attends evenly (every lower-triangle cell 0.5): its vertical scores are flat, its kurtosis NaN
     * (layer 1: the NaN checks skip layer 0, whose NaN heads just drop out). */
    public boolean flatHead;
    /** Reports logits.prefix_reuse and ships a variant from its first suppressed token; false: always from 0. */
    public boolean prefixReuse = true;
    /** The message of an IllegalStateException every Attention call throws, as a bug in a worker would. */
    public String attentionBug;
    /** Declared as {@code backend.<name>} and {@code backend.version:<version>} when set; null: none declared. */
    public String backend;
    public String backendVersion;
    /** Declares {@link Kernel#CAPABILITY}. */
    public boolean monkeypatchKernel;
    public int tokenizeCalls;
    public int attentionCalls;
    /** The text of every Attention call, in call order. */
    public final List<String> attentionTexts = new ArrayList<>();
    public boolean closed;
    public final AtomicInteger logitsCalls = new AtomicInteger();
    public final AtomicInteger variantsRequested = new AtomicInteger();
    /** 1-based logits call from which on every call fails as if the worker died mid-answer; 0 = never. */
    public volatile int dieAtLogitsCall;
    public final Queue<LogitsQuery> logitsQueries = new ConcurrentLinkedQueue<>();

    public FakeModelWorker(int layers, int heads) {
        this.layers = layers;
        this.heads = heads;
    }

    /** A fake that declares {@code backend.<backend>} and {@code backend.version:<version>}. */
    public static FakeModelWorker withBackend(int layers, int heads, String backend, String version) {
        FakeModelWorker fake = new FakeModelWorker(layers, heads);
        fake.backend = backend;
        fake.backendVersion = version;
        return fake;
    }

    @Override
    public ModelInfo describe() {
        if (unreachable) {
            throw new WorkerException(WorkerException.Kind.UNAVAILABLE, "Describe: connection refused");
        }
        return new ModelInfo(MODEL_ID, "FakeForCausalLM", layers, heads, heads,
                IntStream.range(0, heads).boxed().toList(), 8, VOCAB, 0, "float32", "fake", List.of("cpu"), 1 << 20,
                "fake-1", contractVersion, capabilities(), true,
                "Fake worker: deterministic pseudo-random attention.", 1 << 20);
    }

    private Set<String> capabilities() {
        Set<String> capabilities = new TreeSet<>(Set.of(ReceiverHeads.POOLED_ATTENTION, GenerateQuery.GENERATE, "logits.nucleus",
                "logits.full", "suppression.all_heads", "suppression.per_head"));
        if (prefixReuse) {
            capabilities.add("logits.prefix_reuse");
        }
        if (monkeypatchKernel) {
            capabilities.add(Kernel.CAPABILITY);
        }
        if (backend != null) {
            capabilities.add("backend." + backend);
            capabilities.add("backend.version:" + backendVersion);
        }
        return capabilities;
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
            ids[t] = 1 + (t - 1) % (VOCAB - 1);
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
        if (attentionBug != null) {
            throw new IllegalStateException(attentionBug);
        }
        if (attentionCalls == failOnAttentionCall) {
            throw new WorkerException(WorkerException.Kind.UNAVAILABLE, "Attention: the fake worker went away");
        }
        String text = ((ModelInput.Text) query.input()).text();
        attentionTexts.add(text);
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
                float[] values = flatHead && l == 1 && h == 0 ? flatMatrix(m) : causalMatrix(text.hashCode(), l, h, m);
                if (nanValues) {
                    Arrays.fill(values, Float.NaN);
                }
                sink.accept(new AttentionMatrix(l, h, m, m, values));
            }
            progress.onProgress(l + 1, layers);
        }
    }

    /**
     * Lower triangle from a seeded generator, values in [0, 1] as block means of probabilities are; a few heavy
     * columns per head give kurtosis something to find.
     */
    public static float[] causalMatrix(int textHash, int layer, int head, int m) {
        SplittableRandom random = new SplittableRandom(((long) textHash * 31 + layer) * 31 + head);
        float[] v = new float[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                boolean heavy = j % (3 + layer + head) == 0;
                v[i * m + j] = (float) (heavy ? 0.5 + 0.5 * random.nextDouble() : 0.1 * random.nextDouble());
            }
        }
        return v;
    }

    private static float[] flatMatrix(int m) {
        float[] v = new float[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                v[i * m + j] = 0.5f;
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
        int call = logitsCalls.incrementAndGet();
        if (dieAtLogitsCall > 0 && call >= dieAtLogitsCall) {
            throw new WorkerException(WorkerException.Kind.UNAVAILABLE, "Logits: the fake worker went away", null,
                    true);
        }
        logitsQueries.add(query);
        variantsRequested.addAndGet(query.variants().size());
        // without prefix reuse every position is shipped, whatever the query asked (as the worker contract says)
        LogitsQuery asRun = prefixReuse ? query : query.withFullRecompute(true);
        LogitsResult result = nanValues ? nanLogits(answer(asRun)) : answer(asRun);
        for (int v = 1; v <= result.variants().size(); v++) {
            progress.onProgress(v, result.variants().size());
        }
        return result;
    }

    /** What {@link #logits} answers, without counting or failing. */
    public static LogitsResult answer(LogitsQuery query) {
        int[] ids = ((ModelInput.Tokens) query.input()).ids();
        long[] prefix = new long[ids.length];
        for (int t = 0; t < ids.length; t++) {
            prefix[t] = (t == 0 ? 17 : prefix[t - 1] * 1_000_003L) + ids[t];
        }
        List<VariantLogits> variants = new ArrayList<>();
        for (int v = 0; v < query.variants().size(); v++) {
            Suppression s = query.variants().get(v);
            int first = query.fullRecompute() ? 0 : firstAffected(s);
            Optional<Nucleus> nucleus = query.nucleus().map(spec -> nucleus(prefix, s, first));
            SortedMap<Integer, float[]> full = new TreeMap<>();
            for (int p : query.fullLogitPositions()) {
                int position = p < 0 ? p + ids.length : p;
                full.put(position, fullLogits(seed(prefix, s, position)));
            }
            variants.add(new VariantLogits(v, first, nucleus, full));
        }
        return new LogitsResult(ids.length, variants);
    }

    private static LogitsResult nanLogits(LogitsResult r) {
        List<VariantLogits> variants = new ArrayList<>();
        for (VariantLogits v : r.variants()) {
            Optional<Nucleus> nucleus = v.nucleus().map(n -> {
                float[] logits = new float[n.logits().length];
                Arrays.fill(logits, Float.NaN);
                return new Nucleus(n.firstPosition(), n.offsets(), n.ids(), logits, n.retainedMass());
            });
            SortedMap<Integer, float[]> full = new TreeMap<>();
            v.fullLogits().forEach((p, z) -> {
                float[] nan = new float[z.length];
                Arrays.fill(nan, Float.NaN);
                full.put(p, nan);
            });
            variants.add(new VariantLogits(v.variant(), v.firstPosition(), nucleus, full));
        }
        return new LogitsResult(r.numTokens(), variants);
    }

    /** As the real worker: a suppressed variant starts at its earliest suppressed token, the baseline at 0. */
    private static int firstAffected(Suppression s) {
        return s.ranges().stream().filter(r -> !r.isEmpty()).mapToInt(TokenRange::start).min().orElse(0);
    }

    private static long seed(long[] prefix, Suppression s, int position) {
        boolean affected = !s.isBaseline() && position >= firstAffected(s);
        return affected ? prefix[position] * 31 + s.hashCode() : prefix[position];
    }

    private static Nucleus nucleus(long[] prefix, Suppression s, int first) {
        int positions = prefix.length - first;
        int[] offsets = new int[positions + 1];
        List<int[]> ids = new ArrayList<>();
        List<float[]> logits = new ArrayList<>();
        float[] retained = new float[positions];
        for (int i = 0; i < positions; i++) {
            SplittableRandom random = new SplittableRandom(seed(prefix, s, first + i));
            int k = 1 + random.nextInt(4);
            int[] pick = random.ints(0, NUCLEUS_IDS).distinct().limit(k).toArray();
            float[] z = new float[k];
            for (int r = 0; r < k; r++) {
                z[r] = (float) (4 * random.nextDouble());
            }
            ids.add(pick);
            logits.add(z);
            retained[i] = (float) (0.5 + 0.49 * random.nextDouble());
            offsets[i + 1] = offsets[i] + k;
        }
        int[] flatIds = new int[offsets[positions]];
        float[] flatLogits = new float[offsets[positions]];
        for (int i = 0; i < positions; i++) {
            System.arraycopy(ids.get(i), 0, flatIds, offsets[i], ids.get(i).length);
            System.arraycopy(logits.get(i), 0, flatLogits, offsets[i], logits.get(i).length);
        }
        return new Nucleus(first, offsets, flatIds, flatLogits, retained);
    }

    private static float[] fullLogits(long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] z = new float[VOCAB];
        for (int v = 0; v < VOCAB; v++) {
            z[v] = (float) (6 * random.nextDouble());
        }
        return z;
    }

    /**
     * Generates {@link #completion}'s pieces in order as tokens 1, 2, ... (at most max new tokens of them); EOS when all
     * were sent. With a chat template the prompt is the message inside {@link #CHAT_OPEN} and {@link #CHAT_CLOSE}.
     */
    @Override
    public Generation generate(GenerateQuery query, TokenSink sink) {
        generateQueries.add(query);
        String text = ((ModelInput.Text) query.input()).text();
        String prompt = query.applyChatTemplate() ? CHAT_OPEN + text + CHAT_CLOSE : text;
        int n = Math.min(query.maxNewTokens(), completion.size());
        sink.started(prompt, tokenize(prompt, new int[0]).size());
        for (int t = 0; t < n; t++) {
            if (t + 1 == dieAtToken) {
                throw new WorkerException(WorkerException.Kind.UNAVAILABLE, "Generate: the worker died");
            }
            sink.accept(t + 1, completion.get(t));
        }
        return new Generation(prompt, tokenize(prompt, new int[0]).size(), IntStream.rangeClosed(1, n).toArray(),
                String.join("", completion.subList(0, n)),
                n == completion.size() ? Generation.StopReason.EOS : Generation.StopReason.MAX_NEW_TOKENS,
                Optional.empty());
    }

    public static final String CHAT_OPEN = "<|user|>";
    public static final String CHAT_CLOSE = "<|assistant|>";
    /** 1-based token before which {@link #generate} fails as if the worker died; 0 = never. */
    public int dieAtToken;
    /** What {@link #generate} writes, one piece per token. */
    public List<String> completion = List.of("First", ", 2+2", " = 4.", " So 4.", "</think>", "\n\nThe answer is",
            " $\\boxed{4}$.");
    public final Queue<GenerateQuery> generateQueries = new ConcurrentLinkedQueue<>();

    @Override
    public void close() {
        closed = true;
    }
}
