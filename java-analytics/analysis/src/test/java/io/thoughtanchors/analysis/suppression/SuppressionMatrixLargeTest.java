package io.thoughtanchors.analysis.suppression;

import io.thoughtanchors.worker.Nucleus;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Assembly time of a trace-sized matrix from synthetic nuclei: n = 60 sentences, N = 2,300 positions, 1–100 kept
 * tokens per position (uniform, mean ≈ 50), a 152,064-token vocabulary, variants shipped from their sentence start
 * (prefix reuse) with half of their positions unchanged and the rest perturbed (jittered logits, ~10% of ids
 * swapped). Assembly is repeatable and prefix-reuse cells sit at the floor; bench.SuppressionMatrixBench times it.
 */
class SuppressionMatrixLargeTest {
    static final int VOCAB = 152_064;

    record Synthetic(Nucleus baseline, Nucleus[] variants, int[] start, int[] end, int numTokens) {
    }

    static Synthetic synthetic(long seed, int n, int numTokens, int prompt, int minK, int maxK) {
        Random r = new Random(seed);
        int[] start = new int[n];
        int[] end = new int[n];
        int len = (numTokens - prompt - 10) / n;
        for (int i = 0; i < n; i++) {
            start[i] = prompt + i * len;
            end[i] = start[i] + len;
        }
        int[] offsets = new int[numTokens + 1];
        int[] k = new int[numTokens];
        for (int t = 0; t < numTokens; t++) {
            k[t] = minK + r.nextInt(maxK - minK + 1);
            offsets[t + 1] = offsets[t] + k[t];
        }
        int[] ids = new int[offsets[numTokens]];
        float[] logits = new float[ids.length];
        float[] mass = new float[numTokens];
        for (int t = 0; t < numTokens; t++) {
            float z = 30f;
            for (int q = offsets[t]; q < offsets[t + 1]; q++) {
                ids[q] = r.nextInt(VOCAB); // duplicates within a position are fixed below
                z -= (float) r.nextDouble() * 0.5f;
                logits[q] = Math.round(z * 64) / 64f;
            }
            dedupe(ids, offsets[t], offsets[t + 1], r);
            mass[t] = 0.9f + 0.1f * (float) r.nextDouble();
        }
        Nucleus baseline = new Nucleus(0, offsets, ids, logits, mass);
        Nucleus[] variants = new Nucleus[n];
        for (int j = 0; j < n; j++) {
            int first = start[j];
            int count = numTokens - first;
            int[] vo = new int[count + 1];
            for (int s = 0; s < count; s++) {
                vo[s + 1] = vo[s] + k[first + s];
            }
            int[] vi = new int[vo[count]];
            float[] vl = new float[vi.length];
            float[] vm = new float[count];
            for (int s = 0; s < count; s++) {
                int t = first + s;
                boolean changed = r.nextBoolean();
                for (int q = 0; q < k[t]; q++) {
                    int src = offsets[t] + q;
                    vi[vo[s] + q] = changed && r.nextInt(10) == 0 ? r.nextInt(VOCAB) : ids[src];
                    vl[vo[s] + q] = changed ? logits[src] + Math.round((float) r.nextGaussian() * 8) / 64f : logits[src];
                }
                dedupe(vi, vo[s], vo[s + 1], r);
                vm[s] = changed ? 0.9f + 0.1f * (float) r.nextDouble() : mass[t];
            }
            variants[j] = new Nucleus(first, vo, vi, vl, vm);
        }
        return new Synthetic(baseline, variants, start, end, numTokens);
    }

    static void dedupe(int[] ids, int from, int to, Random r) {
        java.util.HashSet<Integer> seen = new java.util.HashSet<>();
        for (int q = from; q < to; q++) {
            while (!seen.add(ids[q])) {
                ids[q] = r.nextInt(VOCAB);
            }
        }
    }

    static double[][] assemble(Synthetic s, SuppressionOptions o) {
        SuppressionMatrix m = new SuppressionMatrix(s.baseline(), s.start(), s.end(), s.numTokens(), o);
        for (int j = 0; j < s.variants().length; j++) {
            m.addColumn(j, s.variants()[j]);
        }
        return m.matrix();
    }

    @Test
    void sixtyBySixtyAssemblesRepeatably() {
        check(synthetic(1, 60, 2300, 62, 1, 100));
    }

    @Test
    void everyNucleusFull() {
        check(synthetic(2, 60, 2300, 62, 100, 100));
    }

    static void check(Synthetic s) {
        for (SuppressionOptions o : new SuppressionOptions[]{SuppressionOptions.REFERENCE,
                SuppressionOptions.REFERENCE.withKlMode(KlMode.SPARSE_WITH_TAIL)}) {
            double[][] first = assemble(s, o);
            assertEquals(first[59][30], assemble(s, o)[59][30], 0.0);
            // receiving rows before the suppressed sentence see only unchanged positions
            assertEquals(SparseKl.LOG_OF_ZERO_KL, first[10][20], 1e-12); // mean of 37 equal values
            assertTrue(first[20][10] > SparseKl.LOG_OF_ZERO_KL);
        }
    }
}
