import io.thoughtanchors.analysis.ReceiverHeadResult;
import io.thoughtanchors.analysis.attention.Head;
import io.thoughtanchors.pipeline.Pipeline;
import io.thoughtanchors.pipeline.PipelineListener;
import io.thoughtanchors.pipeline.ReceiversRequest;
import io.thoughtanchors.pipeline.ReceiversResult;
import io.thoughtanchors.pipeline.SuppressionMatrixRequest;
import io.thoughtanchors.pipeline.SuppressionMatrixResult;
import io.thoughtanchors.pipeline.worker.LocalWorkerProcess;
import io.thoughtanchors.pipeline.worker.WorkerTarget;

import java.nio.file.Path;

/**
 * Scripting the workbench from Java with the pipeline library alone: receiver heads and the suppression matrix of
 * one trace, against one local tiny-qwen2 worker (random weights: this shows the API, not the science).
 *
 * <p>{@code make java-example} runs it from the repository root, with the ta jar (it bundles the library) on the
 * class path and what the jar's manifest gives {@code java -jar} (java.nio opened for Arrow):
 * <pre>
 *   java --add-opens=java.base/java.nio=ALL-UNNAMED -Darrow.allocation.manager.type=Unsafe \
 *       -cp java-analytics/cli/target/cli-0.1.0-SNAPSHOT-all.jar examples/java/PipelineExample.java \
 *       data/thought-anchors-sample/deepseek-r1-distill-llama-8b/incorrect_base_solution/problem_2189 out/java-example
 * </pre>
 * It prints {@code key=value} lines; tests/test_java_example.py checks them against the CLI's files.
 */
public class PipelineExample {

    public static void main(String[] args) {
        Path trace = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Pipeline pipeline = Pipeline.create().withListener(new PipelineListener() {
            @Override
            public void warning(String message) {
                System.err.println("warning: " + message);
            }
        });
        // one worker for both runs; WorkerTarget.local("tiny-qwen2") would start one per run instead
        try (LocalWorkerProcess worker = LocalWorkerProcess.start("tiny-qwen2", out.resolve("worker.log"))) {
            WorkerTarget target = worker.target();

            ReceiversResult receivers = pipeline.receivers(ReceiversRequest.of(trace, out.resolve("receivers"))
                    .withCache(out.resolve("cache")).withForce(true).withWorker(target));
            ReceiverHeadResult analysis = receivers.analysis();
            Head top = analysis.ranking().topHeads().get(0);
            System.out.println("model=" + receivers.model().modelId());
            System.out.println("top_head=" + top.layer() + "," + top.head());
            System.out.println("top_head_mean_kurtosis=" + analysis.ranking().meanKurtosis(top));
            System.out.println("receiver_score_0=" + analysis.receiverScores().get(0)[0]);

            SuppressionMatrixResult suppression = pipeline.suppressionMatrix(SuppressionMatrixRequest.of(trace,
                    out.resolve("suppression")).withCache(out.resolve("cache")).withForce(true).withWorker(target));
            double[][] e = suppression.traces().get(0).raw();
            System.out.println("sentences=" + e.length);
            System.out.println("suppression_1_0=" + e[1][0]);
            System.out.println("suppression_last_0=" + e[e.length - 1][0]);
            System.out.println("passes=" + suppression.passesComputed());
        }
    }
}
