package io.thoughtanchors.analysis.suppression;

import java.util.Arrays;

/**
 * Per-position quantities of one side of a sparse KL, prepared once so that a pair of positions costs a single
 * merge of two id-sorted lists (no boxing, no hashing). Slots are appended in order with {@link #add}; the
 * buffers are reused after {@link #clear}. Package-private: an implementation detail of {@link SparseKl} and
 * {@link SuppressionMatrix}. Not thread-safe.
 *
 * <p>Per slot and kept token (sorted by id): the raw logit {@code z}; for {@link KlMode#REFERENCE_SPARSE} the
 * float32 log-probability {@code logp} and probability {@code p = exp(logp)}, plus per slot the float32 log
 * probability a token <em>not</em> in this nucleus gets from the −1e9 fill ({@code fillLog}); for
 * {@link KlMode#SPARSE_WITH_TAIL} the double probability {@code w} and its log, plus per slot the normalised tail
 * mass.
 */
final class PreparedNucleus {
    static final byte VALID = 0;
    /** A logit is non-finite (or, for the tail mode, the retained mass is not positive): the KL is NaN. */
    static final byte INVALID = 1;
    /** Reference mode only: the −1e9 fill is close enough to this side's maximum to matter; use the dense path. */
    static final byte FILL_MATTERS = 2;

    final SparseKl kl;
    int size;
    int[] offsets = new int[17];
    int[] ids = new int[0];
    float[] z = new float[0];
    float[] logp = new float[0];
    float[] p = new float[0];
    double[] w = new double[0];
    double[] logw = new double[0];
    float[] fillLog = new float[16];
    double[] tail = new double[16];
    byte[] state = new byte[16];

    private long[] sortKeys = new long[128];
    private float[] x = new float[128];

    PreparedNucleus(SparseKl kl) {
        this.kl = kl;
    }

    void clear() {
        size = 0;
    }

    int start(int slot) {
        return offsets[slot];
    }

    int end(int slot) {
        return offsets[slot + 1];
    }

    /** Appends one position: {@code ids[from..to)} with {@code logits[from..to)}, in any order, ids distinct. */
    void add(int[] srcIds, float[] srcLogits, int from, int to, double retainedMass) {
        int k = to - from;
        int slot = size;
        ensureSlots(slot + 1);
        int base = offsets[slot];
        ensureTokens(base + k);
        if (sortKeys.length < k) {
            sortKeys = new long[Math.max(k, 2 * sortKeys.length)];
            x = new float[sortKeys.length];
        }
        for (int r = 0; r < k; r++) {
            sortKeys[r] = ((long) srcIds[from + r] << 32) | (Float.floatToRawIntBits(srcLogits[from + r]) & 0xffffffffL);
        }
        Arrays.sort(sortKeys, 0, k);
        boolean finite = true;
        for (int r = 0; r < k; r++) {
            int id = (int) (sortKeys[r] >> 32);
            if (r > 0 && id == ids[base + r - 1]) {
                throw new IllegalArgumentException("token id " + id + " appears twice in one nucleus");
            }
            ids[base + r] = id;
            float zr = Float.intBitsToFloat((int) sortKeys[r]);
            z[base + r] = zr;
            finite &= Float.isFinite(zr);
        }
        offsets[slot + 1] = base + k;
        size = slot + 1;
        state[slot] = finite ? VALID : INVALID;
        if (!finite || k == 0) {
            return;
        }
        if (kl.mode() == KlMode.REFERENCE_SPARSE) {
            prepareReference(slot, base, k);
        } else {
            prepareTail(slot, base, k, retainedMass);
        }
    }

    /** float32 {@code log_softmax(z/τ)} as torch computes it on CPU: {@code (x − max) − log Σ exp(x − max)}. */
    private void prepareReference(int slot, int base, int k) {
        float tau = kl.temperatureF();
        float m = Float.NEGATIVE_INFINITY;
        for (int r = 0; r < k; r++) {
            float xr = z[base + r] / tau;
            x[r] = xr;
            if (xr > m) {
                m = xr;
            }
        }
        float fillShift = kl.fillTempered() - m;
        if (fillShift > -120f) {
            state[slot] = FILL_MATTERS; // only with logits near −1e9; the dense path handles it exactly
            return;
        }
        double s = 0;
        for (int r = 0; r < k; r++) {
            s += (float) Math.exp(x[r] - m);
        }
        float lse = (float) Math.log((float) s);
        for (int r = 0; r < k; r++) {
            float lp = (x[r] - m) - lse;
            logp[base + r] = lp;
            p[base + r] = (float) Math.exp(lp);
        }
        fillLog[slot] = fillShift - lse;
    }

    /** Double-precision nucleus-plus-tail probabilities, see {@link SparseKl}. */
    private void prepareTail(int slot, int base, int k, double retained) {
        if (!(retained > 0) || Double.isInfinite(retained)) {
            state[slot] = INVALID;
            return;
        }
        double tau = kl.temperature();
        double m = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < k; r++) {
            double xr = z[base + r] / tau;
            w[base + r] = xr;
            if (xr > m) {
                m = xr;
            }
        }
        double s = 0;
        for (int r = 0; r < k; r++) {
            double e = Math.exp(w[base + r] - m);
            logw[base + r] = w[base + r] - m;
            w[base + r] = e;
            s += e;
        }
        double t = Math.max(1.0 - retained, kl.tailFloor());
        double total = retained + t;
        double scale = retained / total / s;
        double logScale = Math.log(retained / total) - Math.log(s);
        for (int r = 0; r < k; r++) {
            w[base + r] *= scale;
            logw[base + r] += logScale;
        }
        tail[slot] = t / total;
    }

    private void ensureSlots(int n) {
        if (offsets.length < n + 1) {
            int cap = Math.max(n + 1, 2 * offsets.length);
            offsets = Arrays.copyOf(offsets, cap);
            fillLog = Arrays.copyOf(fillLog, cap);
            tail = Arrays.copyOf(tail, cap);
            state = Arrays.copyOf(state, cap);
        }
    }

    private void ensureTokens(int n) {
        if (ids.length < n) {
            int cap = Math.max(Math.max(n, 64), 2 * ids.length);
            ids = Arrays.copyOf(ids, cap);
            z = Arrays.copyOf(z, cap);
            if (kl.mode() == KlMode.REFERENCE_SPARSE) {
                logp = Arrays.copyOf(logp, cap);
                p = Arrays.copyOf(p, cap);
            } else {
                w = Arrays.copyOf(w, cap);
                logw = Arrays.copyOf(logw, cap);
            }
        }
    }
}
