package io.thoughtanchors.analysis.suppression;

import io.thoughtanchors.worker.Nucleus;

/**
 * Divergence {@code KL(P ‖ Q)} of two nucleus-compressed next-token distributions (docs/algorithms.md §12.3), in nats. P is the
 * baseline position, Q the suppressed one. Each side is a list of kept token ids (any order, distinct) with their
 * raw, untempered logits (the worker ships them float16-rounded and widened to float32) and, for the tail mode,
 * the probability mass the nucleus retained (at the compressor's temperature, 0.6).
 *
 * <h2>{@link KlMode#REFERENCE_SPARSE}</h2>
 * The reference helper, replicated in float32 as torch computes it on CPU:
 * <ol>
 *   <li>both sides empty → 0; exactly one side empty → NaN; a missing side ({@code null}) or ids/logits of
 *       different lengths → NaN;</li>
 *   <li>union {@code U = sorted(ids_P ∪ ids_Q)}; dense float32 vectors over {@code U} filled with −1e9, then with
 *       the stored logits;</li>
 *   <li>{@code x = fl32(z / fl32(τ))}; {@code log p = (x − max x) − log Σ exp(x − max x)} (each operation rounded
 *       to float32; the sum is accumulated in double and rounded once, which is at least as accurate as torch's
 *       vectorised float32 sum), same for {@code q}; any non-finite value → NaN;</li>
 *   <li>{@code p = fl32(exp(log p))}; {@code κ = Σ_U fl32(p · fl32(log p − log q))}, terms with {@code p == 0}
 *       set to 0; {@code +inf → +inf}; negative → 0.</li>
 * </ol>
 * Consequences (kept on purpose): a token in P's nucleus but not Q's has {@code log q ≈ −1e9/τ ≈ −1.67e9} and adds
 * ≈ {@code p·1.67e9}; a token in Q's nucleus but not P's gets {@code p = exp(−1.67e9) = 0} exactly and adds
 * nothing; both sides are renormalised within their nuclei. Values agree with the reference to a relative ≈1e-6
 * (summation order), the parity tolerance of docs/algorithms.md §17.
 *
 * <h2>{@link KlMode#SPARSE_WITH_TAIL}</h2>
 * Not author code: a true KL divergence that uses the retained mass instead of the −1e9 fill. In double precision,
 * with {@code r} the retained mass of a side and {@code f} the tail floor ({@link #DEFAULT_TAIL_FLOOR}):
 * <ul>
 *   <li>tail mass {@code t = max(1 − r, f)}; kept token {@code i} gets {@code w_i = r·softmax_nucleus(z/τ)_i}; all
 *       masses (the {@code w_i} and {@code t}) are divided by {@code r + t} so that they sum to 1 (a no-op when
 *       {@code f = 0} and {@code r ≤ 1}). {@code t} is the probability of "every token outside my nucleus".
 *       For τ = 0.6 (the compressor's temperature) and exact logits, {@code w_i} is exactly the full-vocabulary
 *       tempered probability of token {@code i}.</li>
 *   <li>Partition the vocabulary into the cells {@code {i}} for each {@code i ∈ C = S_P ∩ S_Q}, the bucket
 *       {@code A = S_P \ S_Q}, the bucket {@code B = S_Q \ S_P} and the rest {@code R} (tokens in neither nucleus).
 *       On this partition P is known except how its tail {@code t_P} splits between {@code B} and {@code R}
 *       ({@code P(B) = β, P(R) = t_P − β}), and Q is known except how {@code t_Q} splits between {@code A} and
 *       {@code R} ({@code Q(A) = α, Q(R) = t_Q − α}). With {@code P_A = Σ_{i∈A} w_i} and
 *       {@code Q_B = Σ_{j∈B} v_j}:</li>
 *   <li><b>Definition:</b> {@code κ = Σ_{i∈C} w_i ln(w_i / v_i) + min_{α∈[0,t_Q], β∈[0,t_P]} [P_A ln(P_A/α) +
 *       β ln(β/Q_B) + (t_P − β) ln((t_P − β)/(t_Q − α))]}, i.e. the KL between the two partition distributions
 *       that agree with everything the nuclei say and are as close as possible. Closed form (log-sum inequality;
 *       {@code x ln(x/y)} is 0 for {@code x = 0} and +inf for {@code x > 0 = y}):
 *       <pre>
 *       if P_A·Q_B ≤ t_P·t_Q :  tailTerm = (P_A + t_P) ln((P_A + t_P) / (Q_B + t_Q))     (A, B, R lumped)
 *       else                 :  tailTerm = P_A ln(P_A / t_Q) + t_P ln(t_P / Q_B)         (P's tail all on B,
 *                                                                                     Q's tail all on A)
 *       κ = max(0, Σ_{i∈C} w_i ln(w_i / v_i) + tailTerm)       (the max only removes rounding below 0)
 *       </pre>
 *       The two branches agree on the boundary, so κ is continuous.</li>
 * </ul>
 * Properties: κ ≥ 0; κ = 0 iff the two sides can be completed to identical distributions on the partition (in
 * particular for identical inputs); κ ≤ the full-vocabulary KL of the tempered softmaxes whenever the {@code w} are
 * exact (it is a minimum over completions that include the true one, and coarse-graining never increases KL);
 * κ equals the full KL when both nuclei hold the whole vocabulary with {@code r = 1} and {@code f = 0}. κ is
 * finite whenever both tails are positive (always, with {@code f > 0}) or the nuclei coincide. Lumping
 * {@code A ∪ B ∪ R} into one "rest" bucket unconditionally (the first branch alone) would also be a KL but gives 0
 * for disjoint confident nuclei (top token a at 0.9999 becoming top token b at 0.9999); the second branch fixes
 * that (≈ 9.2 nats in that example). Not modelled: a token outside Q's nucleus has at most the probability of Q's
 * least likely kept token.
 *
 * <p>Why a floor: the retained mass arrives as float32, so a tail below ≈ 6e-8 reads as {@code r = 1.0} exactly,
 * which would make κ infinite whenever the other side has any mass outside the common tokens. The default floor
 * {@code 2^-24} (the float32 spacing just below 1) treats such tails as "below resolution"; pass 0 for the exact
 * definition.
 *
 * <p>Instances are immutable and thread-safe; the static methods allocate small scratch buffers per call, so hot
 * loops should go through {@link SuppressionMatrix}.
 */
public final class SparseKl {
    /** Logit given to tokens missing from one side's nucleus in the reference (float32, exactly −1e9). */
    public static final float REFERENCE_FILL = -1e9f;
    /** The reference's temperature for the KL matrix (τ = 0.6). */
    public static final double DEFAULT_TEMPERATURE = 0.6;
    /** Added before the logarithm: {@code ℓ = ln(κ + 1e-9)} (docs/algorithms.md §12.1 step 3). */
    public static final double LOG_EPSILON = 1e-9;
    /** {@code ln(1e-9)}, the value of {@code ℓ} for identical distributions (≈ −20.7233). */
    public static final double LOG_OF_ZERO_KL = Math.log(LOG_EPSILON);
    /** Default tail floor of {@link KlMode#SPARSE_WITH_TAIL}: 2^-24, the float32 spacing just below 1. */
    public static final double DEFAULT_TAIL_FLOOR = 0x1p-24;

    private final KlMode mode;
    private final double temperature;
    private final double tailFloor;
    private final float temperatureF;
    private final float fillTempered;

    /**
     * @param temperature τ applied to the logits before the softmax (reference 0.6)
     * @param tailFloor   lower bound of the tail mass in {@link KlMode#SPARSE_WITH_TAIL}, in [0, 1); ignored by
     *                    the reference mode
     */
    public SparseKl(KlMode mode, double temperature, double tailFloor) {
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null");
        }
        if (!(temperature > 0) || Double.isInfinite(temperature) || !((float) temperature > 0f)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        if (!(tailFloor >= 0 && tailFloor < 1)) {
            throw new IllegalArgumentException("tail floor must be in [0, 1), got " + tailFloor);
        }
        this.mode = mode;
        this.temperature = temperature;
        this.tailFloor = tailFloor;
        this.temperatureF = (float) temperature;
        this.fillTempered = REFERENCE_FILL / temperatureF;
    }

    /** Reference settings: {@link KlMode#REFERENCE_SPARSE}, τ = 0.6. */
    public static SparseKl reference() {
        return new SparseKl(KlMode.REFERENCE_SPARSE, DEFAULT_TEMPERATURE, DEFAULT_TAIL_FLOOR);
    }

    public KlMode mode() {
        return mode;
    }

    public double temperature() {
        return temperature;
    }

    public double tailFloor() {
        return tailFloor;
    }

    float temperatureF() {
        return temperatureF;
    }

    float fillTempered() {
        return fillTempered;
    }

    /** {@code ln(κ + 1e-9)} (docs/algorithms.md §12.1 step 3); NaN stays NaN, +inf stays +inf. */
    public static double logTransform(double kl) {
        return Math.log(kl + LOG_EPSILON);
    }

    // ---- convenience entry points (allocate per call) ----------------------------------------------------

    /** {@link KlMode#REFERENCE_SPARSE} divergence of one pair of positions. {@code null} sides give NaN. */
    public static double reference(int[] idsP, float[] logitsP, int[] idsQ, float[] logitsQ, double temperature) {
        return new SparseKl(KlMode.REFERENCE_SPARSE, temperature, 0).divergence(idsP, logitsP, 1, idsQ, logitsQ, 1);
    }

    /** {@link KlMode#SPARSE_WITH_TAIL} divergence of one pair of positions; see the class comment. */
    public static double withTail(int[] idsP, float[] logitsP, double retainedP, int[] idsQ, float[] logitsQ,
                                  double retainedQ, double temperature, double tailFloor) {
        return new SparseKl(KlMode.SPARSE_WITH_TAIL, temperature, tailFloor)
                .divergence(idsP, logitsP, retainedP, idsQ, logitsQ, retainedQ);
    }

    /**
     * This instance's divergence of one pair of positions. {@code null} ids or logits, or ids and logits of
     * different lengths, give NaN (the reference's "missing" rule); duplicate ids are a caller error.
     */
    public double divergence(int[] idsP, float[] logitsP, double retainedP, int[] idsQ, float[] logitsQ,
                             double retainedQ) {
        if (idsP == null || logitsP == null || idsQ == null || logitsQ == null
                || idsP.length != logitsP.length || idsQ.length != logitsQ.length) {
            return Double.NaN;
        }
        PreparedNucleus p = new PreparedNucleus(this);
        PreparedNucleus q = new PreparedNucleus(this);
        p.add(idsP, logitsP, 0, idsP.length, retainedP);
        q.add(idsQ, logitsQ, 0, idsQ.length, retainedQ);
        return divergence(p, 0, q, 0);
    }

    /** Divergence between position {@code positionP} of {@code p} and position {@code positionQ} of {@code q}. */
    public double divergence(Nucleus p, int positionP, Nucleus q, int positionQ) {
        PreparedNucleus a = new PreparedNucleus(this);
        PreparedNucleus b = new PreparedNucleus(this);
        a.add(p.ids(), p.logits(), p.start(positionP), p.start(positionP) + p.size(positionP), p.retainedMassAt(positionP));
        b.add(q.ids(), q.logits(), q.start(positionQ), q.start(positionQ) + q.size(positionQ), q.retainedMassAt(positionQ));
        return divergence(a, 0, b, 0);
    }

    // ---- the merge kernels ------------------------------------------------------------------------------

    /** Divergence between prepared slots (both prepared by this instance). */
    double divergence(PreparedNucleus p, int sp, PreparedNucleus q, int sq) {
        int ip = p.start(sp);
        int ep = p.end(sp);
        int iq = q.start(sq);
        int eq = q.end(sq);
        if (ip == ep || iq == eq) {
            return ip == ep && iq == eq ? 0.0 : Double.NaN;
        }
        if (p.state[sp] == PreparedNucleus.INVALID || q.state[sq] == PreparedNucleus.INVALID) {
            return Double.NaN;
        }
        if (mode == KlMode.REFERENCE_SPARSE) {
            float kl = p.state[sp] == PreparedNucleus.FILL_MATTERS || q.state[sq] == PreparedNucleus.FILL_MATTERS
                    ? referenceDenseUnclipped(p.ids, p.z, ip, ep, q.ids, q.z, iq, eq, temperatureF)
                    : referenceMergeUnclipped(p, sp, q, sq);
            return clipReference(kl);
        }
        return tailMerge(p, sp, q, sq);
    }

    /** The reference's last step: NaN stays NaN, +inf stays +inf, negative (rounding) → 0. */
    static double clipReference(float kl) {
        if (Float.isNaN(kl)) {
            return Double.NaN;
        }
        return kl < 0f ? 0.0 : kl;
    }

    /** Fast path of the reference: uses that the −1e9 fill contributes exactly 0 to each side's log-sum-exp. */
    static float referenceMergeUnclipped(PreparedNucleus p, int sp, PreparedNucleus q, int sq) {
        int ip = p.start(sp);
        int ep = p.end(sp);
        int iq = q.start(sq);
        int eq = q.end(sq);
        int[] idp = p.ids;
        int[] idq = q.ids;
        float[] logp = p.logp;
        float[] pp = p.p;
        float[] logq = q.logp;
        float fillQ = q.fillLog[sq];
        double sum = 0;
        while (ip < ep) {
            int a = idp[ip];
            float lq;
            if (iq < eq && idq[iq] < a) {
                iq++; // token only in Q's nucleus: p = exp(≈ −1.67e9) = 0, the term is dropped
                continue;
            }
            if (iq < eq && idq[iq] == a) {
                lq = logq[iq++];
            } else {
                lq = fillQ;
            }
            float pv = pp[ip];
            if (pv != 0f) {
                sum += pv * (logp[ip] - lq);
            }
            ip++;
        }
        return (float) sum;
    }

    /**
     * Literal dense replica of the reference over the sorted union (used when the fill is close enough to a
     * side's logits to matter, and by tests to check the fast path). Inputs are id-sorted slices.
     */
    static float referenceDenseUnclipped(int[] idp, float[] zp, int ip0, int ep, int[] idq, float[] zq, int iq0,
                                         int eq, float tau) {
        int cap = (ep - ip0) + (eq - iq0);
        float[] xp = new float[cap];
        float[] xq = new float[cap];
        int u = 0;
        int ip = ip0;
        int iq = iq0;
        while (ip < ep || iq < eq) {
            float a = REFERENCE_FILL;
            float b = REFERENCE_FILL;
            if (iq >= eq || (ip < ep && idp[ip] < idq[iq])) {
                a = zp[ip++];
            } else if (ip >= ep || idq[iq] < idp[ip]) {
                b = zq[iq++];
            } else {
                a = zp[ip++];
                b = zq[iq++];
            }
            xp[u] = a / tau;
            xq[u] = b / tau;
            u++;
        }
        if (!logSoftmaxInPlace(xp, u) || !logSoftmaxInPlace(xq, u)) {
            return Float.NaN;
        }
        double sum = 0;
        for (int r = 0; r < u; r++) {
            float pv = (float) Math.exp(xp[r]);
            float term = pv * (xp[r] - xq[r]);
            if (pv != 0f) {
                sum += term;
            }
        }
        return (float) sum;
    }

    /** float32 {@code (x − max) − log Σ exp(x − max)}; false if any result is non-finite. */
    private static boolean logSoftmaxInPlace(float[] x, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int r = 0; r < n; r++) {
            m = Math.max(m, x[r]);
        }
        double s = 0;
        for (int r = 0; r < n; r++) {
            s += (float) Math.exp(x[r] - m);
        }
        float lse = (float) Math.log((float) s);
        boolean finite = true;
        for (int r = 0; r < n; r++) {
            x[r] = (x[r] - m) - lse;
            finite &= Float.isFinite(x[r]);
        }
        return finite;
    }

    /** {@link KlMode#SPARSE_WITH_TAIL}, see the class comment. */
    static double tailMerge(PreparedNucleus p, int sp, PreparedNucleus q, int sq) {
        int ip = p.start(sp);
        int ep = p.end(sp);
        int iq = q.start(sq);
        int eq = q.end(sq);
        int[] idp = p.ids;
        int[] idq = q.ids;
        double[] w = p.w;
        double[] logw = p.logw;
        double[] v = q.w;
        double[] logv = q.logw;
        double common = 0;
        double onlyP = 0;
        double onlyQ = 0;
        while (ip < ep && iq < eq) {
            int a = idp[ip];
            int b = idq[iq];
            if (a < b) {
                onlyP += w[ip++];
            } else if (b < a) {
                onlyQ += v[iq++];
            } else {
                double wi = w[ip];
                if (wi > 0) {
                    common += wi * (logw[ip] - logv[iq]);
                }
                ip++;
                iq++;
            }
        }
        while (ip < ep) {
            onlyP += w[ip++];
        }
        while (iq < eq) {
            onlyQ += v[iq++];
        }
        double kl = common + tailTerm(onlyP, p.tail[sp], onlyQ, q.tail[sq]);
        return kl < 0 ? 0.0 : kl;
    }

    /** The minimised A/B/R part of the tail-mode KL (class comment). */
    static double tailTerm(double pa, double tp, double qb, double tq) {
        if (pa * qb <= tp * tq) {
            return xLogXOverY(pa + tp, qb + tq);
        }
        return xLogXOverY(pa, tq) + xLogXOverY(tp, qb);
    }

    /** {@code x ln(x/y)} with {@code 0 ln(0/y) = 0} and {@code x ln(x/0) = +inf} for {@code x > 0}. */
    static double xLogXOverY(double x, double y) {
        if (x == 0) {
            return 0;
        }
        if (y == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return x * Math.log(x / y);
    }
}
