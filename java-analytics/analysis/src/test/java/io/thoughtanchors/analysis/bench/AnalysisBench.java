package io.thoughtanchors.analysis.bench;

import io.thoughtanchors.analysis.Profile;
import io.thoughtanchors.analysis.ReceiverHeadAnalysis;
import io.thoughtanchors.analysis.ReceiverHeadAnalysisBenchAccess;

/**
 * Benchmark (not a test): the receiver-head analysis over cached matrices of the 14B shape — 20 traces × 48 × 40
 * heads, n = 150 — on two threads. Target: under 2 s on 2 cores. Prints the best of 5 after a JIT warm-up.
 */
public final class AnalysisBench {
    public static void main(String[] args) {
        var inputs = ReceiverHeadAnalysisBenchAccess.fourteenBShape();
        ReceiverHeadAnalysis analysis = new ReceiverHeadAnalysis(Profile.REF_HEAD.options(), 2);
        analysis.run(inputs);
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            analysis.run(inputs);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf("receiver-head analysis, 20 traces x 1920 heads, n=150, 2 threads: best of 5 %.3f s%n", best);
    }
}
