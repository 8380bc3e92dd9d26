package io.thoughtanchors.analysis.suppression;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sparse KL (docs/algorithms.md §12.3, §17). Tolerances: the reference mode runs in float32, so hand values computed in double
 * are compared with a relative tolerance of 1e-6 (the parity tolerance of docs/algorithms.md §17; float32 has a relative
 * precision of 6e-8 per operation and these computations take a handful of operations). Where the float32 result
 * is pinned down exactly (−1e9 fill arithmetic), it is asserted exactly.
 */
class SparseKlTest {
    static final double TAU = 0.6;
    static final double LN_EPS = Math.log(1e-9);

    static double ref(int[] ip, float[] zp, int[] iq, float[] zq) {
        return SparseKl.reference(ip, zp, iq, zq, TAU);
    }

    static void assertRel(double expected, double actual, double rel, String what) {
        assertEquals(expected, actual, Math.abs(expected) * rel, what);
    }

    // ---- REFERENCE_SPARSE ----------------------------------------------------------------------------

    @Test
    void identicalInputsGiveZeroAndLogFloor() {
        int[] ids = {151, 7, 99_000, 3};
        float[] z = {12.5f, 11.25f, 9.0f, 12.4375f};
        double kl = ref(ids, z, ids.clone(), z.clone());
        assertEquals(0.0, kl, 0.0);
        assertEquals(-20.7232658369, SparseKl.logTransform(kl), 1e-9);
        assertEquals(SparseKl.LOG_OF_ZERO_KL, SparseKl.logTransform(kl), 0.0);
        // the order of the kept tokens does not matter (the union is sorted)
        assertEquals(0.0, ref(ids, z, new int[]{3, 99_000, 7, 151}, new float[]{12.4375f, 9.0f, 11.25f, 12.5f}), 0.0);
    }

    @Test
    void singleTokenNuclei() {
        // same token: p = q = 1 whatever the logits, KL = 0 → ln(1e-9)
        double same = ref(new int[]{42}, new float[]{3.5f}, new int[]{42}, new float[]{-7.25f});
        assertEquals(0.0, same, 0.0);
        assertEquals(-20.7233, SparseKl.logTransform(same), 1e-4);
        // P = {a}, Q = {a, b} with z_b − z_a = −0.6: q_a = 1/(1 + e^-1), KL = −ln q_a = ln(1 + e^-1)
        double sub = ref(new int[]{1}, new float[]{4.0f}, new int[]{1, 2}, new float[]{4.0f, 3.4f});
        assertRel(Math.log1p(Math.exp(-1)), sub, 1e-6, "P inside Q");
        // different tokens: p_a = 1, log q_a = fl32(fl32(−1e9/0.6) − 3/0.6) = −1666666624 (float32 spacing 128 there)
        double disjoint = ref(new int[]{5}, new float[]{2.0f}, new int[]{9}, new float[]{3.0f});
        assertEquals(1_666_666_624.0, disjoint, 0.0);
        assertRel(1e9 / 0.6 + 3.0 / 0.6, disjoint, 1e-6, "≈ 1e9/τ + z_b/τ");
    }

    @Test
    void disjointNucleiGiveHugeValuesByHand() {
        // P = {10: 1.0, 11: 0.5}, Q = {20: 2.0}. Tokens of P are filled with −1e9 on Q's side:
        // log q_i = −1e9/τ − 2/τ (Q's log-sum-exp is 2/τ), so KL = Σ p_i ln p_i + (1e9 + 2)/τ.
        double p10 = 1 / (1 + Math.exp(-0.5 / TAU));
        double p11 = 1 - p10;
        double expected = p10 * Math.log(p10) + p11 * Math.log(p11) + (1e9 + 2) / TAU;
        double kl = ref(new int[]{10, 11}, new float[]{1.0f, 0.5f}, new int[]{20}, new float[]{2.0f});
        assertRel(expected, kl, 1e-6, "disjoint");
        assertTrue(kl > 1.6e9 && kl < 1.7e9);

        // Q ⊂ P: only P's extra token is filled on Q's side: ≈ p_extra · 1.67e9
        double pa = 1 / (1 + Math.exp(-1));      // z = 4.0 vs 3.4: difference 0.6 = τ
        double pb = 1 - pa;
        double expected2 = pa * Math.log(pa) + pb * (Math.log(pb) + (1e9 + 4.0) / TAU);
        double kl2 = ref(new int[]{1, 2}, new float[]{4.0f, 3.4f}, new int[]{1}, new float[]{4.0f});
        assertRel(expected2, kl2, 1e-6, "Q inside P");
        assertEquals(pb * 1e9 / TAU, kl2, 1e-3 * kl2, "≈ p·1.67e9");

        // tokens only in Q add no term (p underflows to exactly 0 in float32) but do count in Q's normalisation:
        // P = {1}, Q = {1, 2, 3} with z_2 = z_3 = z_1 − τ → KL = −ln q_1 = ln(1 + 2/e)
        double onlyQExtra = ref(new int[]{1}, new float[]{4.0f}, new int[]{1, 2, 3}, new float[]{4.0f, 3.4f, 3.4f});
        assertRel(Math.log1p(2 * Math.exp(-1)), onlyQExtra, 1e-6, "Q-only tokens");
    }

    @Test
    void negativeRoundingIsClippedToZero() {
        // Found by search: float32 rounding makes the sum slightly negative; the true (double) KL is a tiny positive.
        int[] ids = {3, 10};
        float[] zp = {9.8046875f, 15.8359375f};
        float[] zq = {9.8046875f, 15.84375f};
        SparseKl kl = SparseKl.reference();
        PreparedNucleus p = new PreparedNucleus(kl);
        PreparedNucleus q = new PreparedNucleus(kl);
        p.add(ids, zp, 0, 2, 1);
        q.add(ids, zq, 0, 2, 1);
        float raw = SparseKl.referenceMergeUnclipped(p, 0, q, 0);
        assertTrue(raw < 0f, "the float32 sum must be negative for this input, got " + raw);
        assertEquals(raw, SparseKl.referenceDenseUnclipped(ids, zp, 0, 2, ids, zq, 0, 2, 0.6f), 0f);
        assertEquals(0.0, ref(ids, zp, ids, zq), 0.0);
        assertEquals(LN_EPS, SparseKl.logTransform(ref(ids, zp, ids, zq)), 0.0);
        assertTrue(doubleKl(ids, zp, ids, zq) > 0);
    }

    @Test
    void emptyAndMissingSides() {
        int[] none = {};
        float[] nothing = {};
        assertEquals(0.0, ref(none, nothing, none, nothing), 0.0);
        assertTrue(Double.isNaN(ref(none, nothing, new int[]{1}, new float[]{1f})));
        assertTrue(Double.isNaN(ref(new int[]{1}, new float[]{1f}, none, nothing)));
        assertTrue(Double.isNaN(ref(null, null, new int[]{1}, new float[]{1f})));
        assertTrue(Double.isNaN(ref(new int[]{1, 2}, new float[]{1f}, new int[]{1}, new float[]{1f})));
        assertTrue(Double.isNaN(ref(new int[]{1}, new float[]{Float.NaN}, new int[]{1}, new float[]{1f})));
        assertEquals(0.0, SparseKl.withTail(none, nothing, 1, none, nothing, 1, TAU, 0), 0.0);
        assertTrue(Double.isNaN(SparseKl.withTail(none, nothing, 1, new int[]{1}, new float[]{1f}, 1, TAU, 0)));
    }

    /** The prepared fast path equals the literal dense replica bit for bit, and the double formula to rounding. */
    @Test
    void fastPathMatchesDenseReplica() {
        Random r = new Random(7);
        SparseKl kl = SparseKl.reference();
        for (int it = 0; it < 3000; it++) {
            int[][] ids = new int[2][];
            float[][] z = new float[2][];
            randomPair(r, ids, z);
            PreparedNucleus p = new PreparedNucleus(kl);
            PreparedNucleus q = new PreparedNucleus(kl);
            p.add(ids[0], z[0], 0, ids[0].length, 1);
            q.add(ids[1], z[1], 0, ids[1].length, 1);
            float fast = SparseKl.referenceMergeUnclipped(p, 0, q, 0);
            float dense = SparseKl.referenceDenseUnclipped(p.ids, p.z, 0, ids[0].length, q.ids, q.z, 0, ids[1].length, 0.6f);
            assertEquals(dense, fast, 0f, "iteration " + it);
            double d = doubleKl(ids[0], z[0], ids[1], z[1]);
            double got = kl.divergence(ids[0], z[0], 1, ids[1], z[1], 1);
            // float32: x = z/τ ≈ 25 is held to a spacing of 1.9e-6, so each p (and each ≈ p·1.67e9 term) carries up to
            // a few 1e-6 relative error; small values carry ~1e-7 absolute error from the log-probabilities
            assertEquals(Math.max(d, 0), got, 1e-5 * Math.abs(d) + 2e-6, "iteration " + it);
        }
    }

    @Test
    void logitsNearTheFillUseTheDensePath() {
        int[] ip = {1, 2};
        float[] zp = {-1e9f, 0f};
        int[] iq = {2, 3};
        float[] zq = {0f, 1f};
        double got = ref(ip, zp, iq, zq);
        float dense = SparseKl.referenceDenseUnclipped(ip, zp, 0, 2, iq, zq, 0, 2, 0.6f);
        assertEquals(SparseKl.clipReference(dense), got, 0.0);
        assertTrue(Double.isFinite(got));
    }

    // ---- SPARSE_WITH_TAIL --------------------------------------------------------------------------------

    @Test
    void tailModeIdenticalIsZeroAndAlwaysNonNegative() {
        int[] ids = {4, 8, 15};
        float[] z = {3f, 2f, 1f};
        assertEquals(0.0, SparseKl.withTail(ids, z, 0.8, ids.clone(), z.clone(), 0.8, TAU, 0), 0.0);
        assertEquals(0.0, SparseKl.withTail(ids, z, 1.0, ids.clone(), z.clone(), 1.0, TAU, SparseKl.DEFAULT_TAIL_FLOOR), 0.0);
        Random r = new Random(11);
        for (int it = 0; it < 3000; it++) {
            int[][] i2 = new int[2][];
            float[][] z2 = new float[2][];
            randomPair(r, i2, z2);
            double rp = 0.5 + 0.5 * r.nextDouble();
            double rq = r.nextInt(4) == 0 ? 1.0 : 0.5 + 0.5 * r.nextDouble();
            double v = SparseKl.withTail(i2[0], z2[0], rp, i2[1], z2[1], rq, TAU, SparseKl.DEFAULT_TAIL_FLOOR);
            assertTrue(v >= 0 && Double.isFinite(v), "iteration " + it + ": " + v);
        }
    }

    @Test
    void tailModeDisjointByHand() {
        // P = {a} with 0.9999, Q = {b} with 0.9999: P's tail can sit on b only up to 1e-4, so the second branch:
        // κ = 0.9999 ln(0.9999 / 1e-4) + 1e-4 ln(1e-4 / 0.9999)
        double r = 0.9999;
        double t = 1 - r;
        double expected = r * Math.log(r / t) + t * Math.log(t / r);
        double v = SparseKl.withTail(new int[]{1}, new float[]{5f}, r, new int[]{2}, new float[]{5f}, r, TAU, 0);
        assertEquals(expected, v, 1e-12);
        assertEquals(9.2084, v, 1e-4);
        // finite when tails are nonzero, infinite when Q claims all its mass is on b (no floor)
        assertTrue(Double.isInfinite(SparseKl.withTail(new int[]{1}, new float[]{5f}, r, new int[]{2}, new float[]{5f}, 1.0, TAU, 0)));
        double floored = SparseKl.withTail(new int[]{1}, new float[]{5f}, r, new int[]{2}, new float[]{5f}, 1.0, TAU,
                SparseKl.DEFAULT_TAIL_FLOOR);
        assertTrue(Double.isFinite(floored) && floored > v);
        // flat, mostly-disjoint nuclei with big tails: first branch (everything outside C lumped) is the minimum
        double lumped = SparseKl.withTail(new int[]{1, 2}, new float[]{1f, 1f}, 0.2, new int[]{2, 3}, new float[]{1f, 1f}, 0.3, TAU, 0);
        // w = {1: .1, 2: .1}, tail .8; v = {2: .15, 3: .15}, tail .7; P_A·Q_B = .015 ≤ .56 → lumped rest .9 vs .85
        double exp2 = 0.1 * Math.log(0.1 / 0.15) + 0.9 * Math.log(0.9 / 0.85);
        assertEquals(exp2, lumped, 1e-12);
    }

    @Test
    void tailTermIsContinuousAcrossBranches() {
        // boundary P_A·Q_B = t_P·t_Q: both branches agree
        double pa = 0.3;
        double tp = 0.2;
        double tq = 0.15;
        double qb = tp * tq / pa;
        double lumped = SparseKl.xLogXOverY(pa + tp, qb + tq);
        double split = SparseKl.xLogXOverY(pa, tq) + SparseKl.xLogXOverY(tp, qb);
        assertEquals(lumped, split, 1e-15);
        assertEquals(lumped, SparseKl.tailTerm(pa, tp, qb * (1 - 1e-12), tq), 1e-10);
        assertEquals(lumped, SparseKl.tailTerm(pa, tp, qb * (1 + 1e-12), tq), 1e-10);
    }

    @Test
    void tailModeEqualsFullKlWhenNucleiCoverTheVocabulary() {
        Random r = new Random(3);
        for (int it = 0; it < 200; it++) {
            int v = 2 + r.nextInt(30);
            int[] ids = new int[v];
            float[] zp = new float[v];
            float[] zq = new float[v];
            for (int i = 0; i < v; i++) {
                ids[i] = i;
                zp[i] = (float) (r.nextGaussian() * 2);
                zq[i] = (float) (r.nextGaussian() * 2);
            }
            double full = fullKl(zp, zq, TAU);
            int[] shuffled = shuffledCopy(ids, r);
            float[] zqs = new float[v];
            for (int i = 0; i < v; i++) {
                zqs[i] = zq[shuffled[i]];
            }
            double exact = SparseKl.withTail(ids, zp, 1.0, shuffled, zqs, 1.0, TAU, 0);
            assertEquals(full, exact, 1e-12 * Math.max(1, full), "exact at r = 1 without a floor");
            double floored = SparseKl.withTail(ids, zp, 1.0, shuffled, zqs, 1.0, TAU, SparseKl.DEFAULT_TAIL_FLOOR);
            assertEquals(full, floored, 1e-7 * full + 1e-15, "the default floor perturbs by ≤ 2^-24 relative");
        }
    }

    /** With exact nucleus masses (τ = compressor τ) the tail KL is a lower bound of the full-vocabulary KL. */
    @Test
    void tailModeIsALowerBoundOfTheFullKl() {
        Random r = new Random(5);
        for (int it = 0; it < 2000; it++) {
            int v = 5 + r.nextInt(60);
            float[] zp = new float[v];
            float[] zq = new float[v];
            for (int i = 0; i < v; i++) {
                zp[i] = (float) (r.nextGaussian() * 3);
                zq[i] = r.nextInt(3) == 0 ? (float) (r.nextGaussian() * 3) : zp[i] + (float) (r.nextGaussian() * 0.3);
            }
            double full = fullKl(zp, zq, TAU);
            Top tp = top(zp, 1 + r.nextInt(v));
            Top tq = top(zq, 1 + r.nextInt(v));
            // floor 1e-12: a double 1 − r cannot resolve tails below ~1e-16, which would read as "no tail" (→ +inf);
            // the floor moves at most ~1e-12·ln(1e-12) ≈ 3e-11 nats
            double k = SparseKl.withTail(tp.ids, tp.z, tp.mass, tq.ids, tq.z, tq.mass, TAU, 1e-12);
            assertTrue(k >= 0 && k <= full * (1 + 1e-9) + 1e-9, "iteration " + it + ": " + k + " > full " + full);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    record Top(int[] ids, float[] z, double mass) {
    }

    /** The k most probable tokens at τ = 0.6 and their exact retained mass. */
    static Top top(float[] z, int k) {
        Integer[] order = new Integer[z.length];
        for (int i = 0; i < z.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(z[b], z[a]));
        double[] p = softmax(z, TAU);
        int[] ids = new int[k];
        float[] zz = new float[k];
        double mass = 0;
        for (int i = 0; i < k; i++) {
            ids[i] = order[i];
            zz[i] = z[order[i]];
            mass += p[order[i]];
        }
        return new Top(ids, zz, Math.min(mass, 1.0));
    }

    static double[] softmax(float[] z, double tau) {
        double m = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            m = Math.max(m, v / tau);
        }
        double s = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] / tau - m);
            s += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= s;
        }
        return p;
    }

    static double fullKl(float[] zp, float[] zq, double tau) {
        double[] p = softmax(zp, tau);
        double[] q = softmax(zq, tau);
        double kl = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                kl += p[i] * Math.log(p[i] / q[i]);
            }
        }
        return kl;
    }

    /** The reference formula evaluated in double (−1e9 fill, renormalised within the union). */
    static double doubleKl(int[] ip, float[] zp, int[] iq, float[] zq) {
        java.util.TreeMap<Integer, double[]> u = new java.util.TreeMap<>();
        for (int i = 0; i < ip.length; i++) {
            u.computeIfAbsent(ip[i], k -> new double[]{-1e9, -1e9})[0] = zp[i];
        }
        for (int i = 0; i < iq.length; i++) {
            u.computeIfAbsent(iq[i], k -> new double[]{-1e9, -1e9})[1] = zq[i];
        }
        double[] a = u.values().stream().mapToDouble(x -> x[0] / TAU).toArray();
        double[] b = u.values().stream().mapToDouble(x -> x[1] / TAU).toArray();
        double la = lse(a);
        double lb = lse(b);
        double kl = 0;
        for (int i = 0; i < a.length; i++) {
            double lp = a[i] - la;
            double p = Math.exp(lp);
            if (p > 0) {
                kl += p * (lp - (b[i] - lb));
            }
        }
        return kl;
    }

    static double lse(double[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            m = Math.max(m, v);
        }
        double s = 0;
        for (double v : x) {
            s += Math.exp(v - m);
        }
        return m + Math.log(s);
    }

    /** Two nuclei over a small id space with overlap, float16-representable logits (multiples of 1/64 below 32). */
    static void randomPair(Random r, int[][] ids, float[][] z) {
        int space = 3 + r.nextInt(40);
        for (int side = 0; side < 2; side++) {
            int k = 1 + r.nextInt(Math.min(space, 12));
            int[] pick = shuffledCopy(range(space), r);
            ids[side] = java.util.Arrays.copyOf(pick, k);
            z[side] = new float[k];
            for (int i = 0; i < k; i++) {
                z[side][i] = Math.round((8 + r.nextGaussian() * 4) * 64) / 64f;
            }
        }
        if (r.nextBoolean()) { // often make Q a small perturbation of P
            ids[1] = ids[0].clone();
            z[1] = z[0].clone();
            z[1][r.nextInt(z[1].length)] += (r.nextBoolean() ? 1 : -1) / 64f;
        }
    }

    static int[] range(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i * 13 + 1;
        }
        return a;
    }

    static int[] shuffledCopy(int[] a, Random r) {
        int[] b = a.clone();
        for (int i = b.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        return b;
    }
}
