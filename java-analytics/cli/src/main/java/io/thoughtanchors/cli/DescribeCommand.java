package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import io.thoughtanchors.worker.ModelInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code ta describe}: what a worker serves. */
@Command(name = "describe", description = "Prints the model a worker serves and what it can do.")
final class DescribeCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--worker", required = true, split = ",", paramLabel = "HOST:PORT",
            description = "Worker address(es).")
    List<String> addresses;

    @Option(names = "--json", description = "Print the Describe answer as JSON.")
    boolean json;

    private final WorkerConnector workers;

    DescribeCommand(WorkerConnector workers) {
        this.workers = workers;
    }

    @Override
    public Integer call() {
        ModelInfo info = Main.pipeline(workers, spec, false).describe(WorkerTarget.remote(addresses));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(info));
        } else {
            print(out, info);
        }
        out.flush();
        return ExitStatus.SUCCESS.code;
    }

    private static void print(PrintWriter out, ModelInfo m) {
        out.println("model:          " + m.modelId() + " (" + m.architecture() + ")");
        out.println("shape:          " + m.numLayers() + " layers, " + m.numQueryHeads() + " query heads, "
                + m.numKvHeads() + " KV heads, head dim " + m.headDim() + ", vocabulary " + m.vocabSize());
        out.println("dtype:          " + m.dtype() + " (attention: " + m.attentionImplementation() + ")");
        out.println("devices:        " + String.join(", ", m.devices()));
        out.println("max tokens:     " + m.maxTokens() + " (BOS id " + m.bosTokenId() + ")");
        out.println("worker:         " + m.workerVersion() + ", contract version " + m.contractVersion());
        out.println("capabilities:   " + String.join(", ", new TreeSet<>(m.capabilities())));
        out.println("synthetic:      " + (m.syntheticWeights() ? "YES (seeded random weights)" : "no"));
        if (!m.notes().isBlank()) {
            out.println("notes:          " + m.notes());
        }
    }
}
