package io.thoughtanchors.analysis.attention;

import io.thoughtanchors.analysis.stats.Kurtosis;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Kurtosis permutation null by re-segmentation (docs/algorithms.md §6.4): each trace's text is cut into random
 * "sentences" with the same lengths as its real ones, in a seeded random order, and every head's vertical scores
 * and kurtosis are recomputed on those segments. A head whose kurtosis comes from the sentence structure stands
 * out of this null; one whose spikiness any segmentation of the same tokens would show does not.
 *
 * <p>Segment block means are computed exactly from a finer pooled matrix (tokens, or any blocks that the real
 * sentences and the shuffled lengths are whole multiples of): the worker's block mean over a union of blocks is
 * the token-count-weighted mean of their means. Pure: inputs in memory, nothing read or written.
 */
public final class SegmentationNull {
    private SegmentationNull() {
    }

    /**
     * One trace at a resolution finer than its sentences.
     *
     * @param blocks         pooled attention over the fine blocks, every cell (upper triangle included) the worker's
     *                       block mean; layout {@link RegionLayout#SENTENCES} (here: blocks, no prompt or output)
     * @param blockTokens    tokens in each fine block (all 1 for token-level attention)
     * @param sentenceBlocks fine blocks in each real sentence, in order; they must cover every block
     */
    public record FineTrace(PooledAttention blocks, int[] blockTokens, int[] sentenceBlocks) {
        public FineTrace {
            if (blocks.layout() != RegionLayout.SENTENCES) {
                throw new IllegalArgumentException("fine blocks must be in the SENTENCES layout (no prompt/output regions)");
            }
            if (blockTokens.length != blocks.size()) {
                throw new IllegalArgumentException(blockTokens.length + " block token counts for " + blocks.size()
                        + " blocks");
            }
            for (int w : blockTokens) {
                if (w < 1) {
                    throw new IllegalArgumentException("every fine block needs at least one token");
                }
            }
            int covered = 0;
            for (int s : sentenceBlocks) {
                if (s < 1) {
                    throw new IllegalArgumentException("every sentence needs at least one fine block");
                }
                covered += s;
            }
            if (covered != blocks.size()) {
                throw new IllegalArgumentException("sentences cover " + covered + " fine blocks of " + blocks.size());
            }
        }

        /** Token-level attention: one block per token, sentence lengths in tokens. */
        public static FineTrace tokens(PooledAttention tokens, int[] sentenceTokens) {
            int[] ones = new int[tokens.size()];
            Arrays.fill(ones, 1);
            return new FineTrace(tokens, ones, sentenceTokens);
        }
    }

    /**
     * Per head (flat {@code [layers·heads]}): the observed kurtosis (mean over traces, on the real sentences), and
     * the null built from {@code permutations} re-segmentations (each sample the mean over traces of one
     * re-segmentation per trace). {@code z = (observed − nullMean) / nullSd} with the sample standard deviation;
     * {@code p = (1 + #{samples ≥ observed}) / (1 + permutations)}, a NaN sample never counting as ≥. Statistics
     * over the finite samples; NaN where undefined (observed NaN, or no spread).
     */
    public record Result(int layers, int heads, int permutations, long seed, double[] observed, double[] nullMean,
                         double[] nullSd, double[] z, double[] p, double[][] nullSamples) {
    }

    /** Every trace in memory at once: {@link Accumulator} fed in trace order. */
    public static Result run(List<FineTrace> traces, SegmentationNullOptions options) {
        if (traces.isEmpty()) {
            throw new IllegalArgumentException("no traces for the re-segmentation null");
        }
        FineTrace first = traces.get(0);
        Accumulator accumulator = new Accumulator(traces.stream().map(FineTrace::sentenceBlocks).toList(),
                first.blocks().layers(), first.blocks().heads(), options);
        for (int r = 0; r < traces.size(); r++) {
            accumulator.add(r, traces.get(r), 1);
        }
        return accumulator.result();
    }

    /**
     * The null one trace at a time, so that only one trace's fine matrix is ever held: the shuffles are drawn up
     * front from the sentence lengths alone (the same draws as {@link #run}), then each trace's fine matrix is
     * added, in any order, and may be dropped once added.
     */
    public static final class Accumulator {
        private final List<int[]> sentenceBlocks;
        private final int layers;
        private final int heads;
        private final SegmentationNullOptions options;
        private final int[][][] segments;
        private final double[] observed;
        private final double[][] samples;
        private final boolean[] added;

        /** @param sentenceBlocks per trace, the fine blocks of each real sentence (what {@link FineTrace} will hold) */
        public Accumulator(List<int[]> sentenceBlocks, int layers, int heads, SegmentationNullOptions options) {
            if (sentenceBlocks.isEmpty()) {
                throw new IllegalArgumentException("no traces for the re-segmentation null");
            }
            this.sentenceBlocks = sentenceBlocks.stream().map(int[]::clone).toList();
            this.layers = layers;
            this.heads = heads;
            this.options = options;
            this.segments = shuffledSegments(this.sentenceBlocks, options.permutations(), options.seed());
            this.observed = new double[layers * heads];
            this.samples = new double[layers * heads][options.permutations()];
            this.added = new boolean[sentenceBlocks.size()];
        }

        /**
         * Adds trace {@code r}'s contribution to every head's observed value and samples.
         *
         * @param parallelism heads computed at once (each holds an {@code (F+1)²} prefix-sum table)
         */
        public void add(int r, FineTrace t, int parallelism) {
            if (added[r]) {
                throw new IllegalArgumentException("trace " + r + " was already added to the null");
            }
            if (t.blocks().layers() != layers || t.blocks().heads() != heads) {
                throw new IllegalArgumentException("traces have " + t.blocks().layers() + "×" + t.blocks().heads()
                        + " and " + layers + "×" + heads + " heads");
            }
            if (!Arrays.equals(t.sentenceBlocks(), sentenceBlocks.get(r))) {
                throw new IllegalArgumentException("trace " + r + "'s fine blocks per sentence differ from those the"
                        + " shuffles were drawn for");
            }
            int traces = sentenceBlocks.size();
            int n = t.sentenceBlocks().length;
            int perms = options.permutations();
            // the coarsener and the scorer keep scratch buffers: one of each per thread
            ThreadLocal<Coarsener> coarsener = ThreadLocal.withInitial(() -> new Coarsener(t.blockTokens(), n));
            ThreadLocal<VerticalScores> scorers = ThreadLocal.withInitial(() -> new VerticalScores(options.scores()));
            IntConsumer head = f -> {
                Coarsener coarse = coarsener.get();
                VerticalScores scorer = scorers.get();
                double[] v = new double[n];
                coarse.load(t.blocks().data(), t.blocks().offset(f / heads, f % heads));
                observed[f] += kurtosis(coarse, t.sentenceBlocks(), scorer, v, options) / traces;
                for (int q = 0; q < perms; q++) {
                    samples[f][q] += kurtosis(coarse, segments[q][r], scorer, v, options) / traces;
                }
            };
            if (parallelism <= 1) {
                IntStream.range(0, layers * heads).forEach(head);
            } else {
                ForkJoinPool pool = new ForkJoinPool(parallelism);
                try {
                    pool.submit(() -> IntStream.range(0, layers * heads).parallel().forEach(head)).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while computing the null", e);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                } finally {
                    pool.shutdown();
                }
            }
            added[r] = true;
        }

        /** The statistics, once every trace is added. */
        public Result result() {
            for (int r = 0; r < added.length; r++) {
                if (!added[r]) {
                    throw new IllegalStateException("trace " + r + " of " + added.length + " was not added to the null");
                }
            }
            int size = layers * heads;
            double[] mean = new double[size];
            double[] sd = new double[size];
            double[] z = new double[size];
            double[] p = new double[size];
            for (int f = 0; f < size; f++) {
                mean[f] = finiteMean(samples[f]);
                sd[f] = finiteSd(samples[f], mean[f]);
                z[f] = sd[f] > 0 ? (observed[f] - mean[f]) / sd[f] : Double.NaN;
                p[f] = Double.isNaN(observed[f]) ? Double.NaN : pValue(samples[f], observed[f]);
            }
            return new Result(layers, heads, options.permutations(), options.seed(), observed.clone(), mean, sd, z,
                    p, Arrays.stream(samples).map(double[]::clone).toArray(double[][]::new));
        }
    }

    /** {@code (1 + #{finite samples ≥ observed}) / (1 + samples)}. */
    public static double pValue(double[] samples, double observed) {
        int atLeast = 0;
        for (double s : samples) {
            atLeast += s >= observed ? 1 : 0;
        }
        return (1.0 + atLeast) / (1.0 + samples.length);
    }

    /**
     * Segment lengths of permutation q for trace r at {@code [q][r]}: one Fisher–Yates shuffle of the trace's
     * sentence lengths per permutation and trace, in that order, from one seeded generator.
     */
    static int[][][] shuffledSegments(List<int[]> sentenceBlocks, int perms, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][][] out = new int[perms][sentenceBlocks.size()][];
        for (int q = 0; q < perms; q++) {
            for (int r = 0; r < sentenceBlocks.size(); r++) {
                int[] lengths = sentenceBlocks.get(r).clone();
                for (int i = lengths.length - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int tmp = lengths[i];
                    lengths[i] = lengths[j];
                    lengths[j] = tmp;
                }
                out[q][r] = lengths;
            }
        }
        return out;
    }

    private static double kurtosis(Coarsener coarse, int[] lengths, VerticalScores scorer, double[] v,
                                   SegmentationNullOptions options) {
        float[] matrix = coarse.pool(lengths);
        scorer.compute(matrix, 0, lengths.length, RegionLayout.SENTENCES, v);
        return Kurtosis.excess(v, options.kurtosisMinFinite());
    }

    private static double finiteMean(double[] x) {
        double s = 0;
        int c = 0;
        for (double v : x) {
            if (Double.isFinite(v)) {
                s += v;
                c++;
            }
        }
        return c == 0 ? Double.NaN : s / c;
    }

    private static double finiteSd(double[] x, double mean) {
        double s = 0;
        int c = 0;
        for (double v : x) {
            if (Double.isFinite(v)) {
                s += (v - mean) * (v - mean);
                c++;
            }
        }
        return c < 2 ? Double.NaN : Math.sqrt(s / (c - 1));
    }

    /**
     * Exact segment block means of one fine matrix through 2-D prefix sums of the token-weighted block means, so
     * each re-segmentation costs O(n²), not O(blocks²).
     */
    private static final class Coarsener {
        private final int fine;
        private final long[] tokenPrefix;
        private final double[] massPrefix;
        private final int[] bounds;
        private final float[] out;

        Coarsener(int[] blockTokens, int sentences) {
            fine = blockTokens.length;
            tokenPrefix = new long[fine + 1];
            for (int b = 0; b < fine; b++) {
                tokenPrefix[b + 1] = tokenPrefix[b] + blockTokens[b];
            }
            massPrefix = new double[(fine + 1) * (fine + 1)];
            bounds = new int[sentences + 1];
            out = new float[sentences * sentences];
        }

        void load(float[] data, int offset) {
            int w = fine + 1;
            for (int i = 0; i < fine; i++) {
                double rowTokens = tokenPrefix[i + 1] - tokenPrefix[i];
                double run = 0;
                for (int j = 0; j < fine; j++) {
                    float m = data[offset + i * fine + j];
                    if (Float.isNaN(m)) {
                        throw new IllegalArgumentException("fine block (" + i + ", " + j + ") is NaN: every fine"
                                + " block needs tokens for its segment means to be exact");
                    }
                    run += rowTokens * (tokenPrefix[j + 1] - tokenPrefix[j]) * m;
                    massPrefix[(i + 1) * w + j + 1] = massPrefix[i * w + j + 1] + run;
                }
            }
        }

        /** Lower triangle of the segment-mean matrix for consecutive segments of the given fine-block lengths. */
        float[] pool(int[] lengths) {
            int n = lengths.length;
            for (int s = 0; s < n; s++) {
                bounds[s + 1] = bounds[s] + lengths[s];
            }
            int w = fine + 1;
            for (int i = 0; i < n; i++) {
                int r0 = bounds[i];
                int r1 = bounds[i + 1];
                for (int j = 0; j <= i; j++) {
                    int c0 = bounds[j];
                    int c1 = bounds[j + 1];
                    double mass = massPrefix[r1 * w + c1] - massPrefix[r0 * w + c1] - massPrefix[r1 * w + c0]
                            + massPrefix[r0 * w + c0];
                    double cells = (double) (tokenPrefix[r1] - tokenPrefix[r0]) * (tokenPrefix[c1] - tokenPrefix[c0]);
                    out[i * n + j] = (float) (mass / cells);
                }
            }
            return out;
        }
    }
}
