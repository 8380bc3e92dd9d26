package io.thoughtanchors.analysis.suppression;

/**
 * Benchmark (not a test): assembling a trace-sized KL matrix (60 × 60 sentences, N = 2,300, nuclei of 1–100 and of
 * always 100 ids) in both KL modes. Prints the first run and the best of 5.
 */
public final class SuppressionMatrixBench {
    public static void main(String[] args) {
        time(SuppressionMatrixLargeTest.synthetic(1, 60, 2300, 62, 1, 100), "k in 1..100");
        time(SuppressionMatrixLargeTest.synthetic(2, 60, 2300, 62, 100, 100), "k = 100");
    }

    private static void time(SuppressionMatrixLargeTest.Synthetic s, String label) {
        for (SuppressionOptions o : new SuppressionOptions[]{SuppressionOptions.REFERENCE,
                SuppressionOptions.REFERENCE.withKlMode(KlMode.SPARSE_WITH_TAIL)}) {
            long cold = System.nanoTime();
            SuppressionMatrixLargeTest.assemble(s, o);
            cold = System.nanoTime() - cold;
            long best = Long.MAX_VALUE;
            for (int rep = 0; rep < 5; rep++) {
                long t0 = System.nanoTime();
                SuppressionMatrixLargeTest.assemble(s, o);
                best = Math.min(best, System.nanoTime() - t0);
            }
            System.out.printf("suppression matrix 60x60, N=2300, %s, %s: first %.0f ms, best of 5 %.0f ms%n",
                    label, o.klMode(), cold / 1e6, best / 1e6);
        }
    }
}
