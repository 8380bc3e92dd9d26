package io.thoughtanchors.pipeline.output;

import io.thoughtanchors.pipeline.PipelineVersion;
import io.thoughtanchors.worker.ModelInfo;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The fields every run.json starts with: the command, where it read and wrote, the worker and the model. */
public final class RunHeader {
    private RunHeader() {
    }

    public static Map<String, Object> of(String command, Instant started, Path data, Path output, Path cache,
                                  Map<String, Object> worker, ModelInfo model) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", command);
        json.put("ta_version", PipelineVersion.get());
        json.put("started", started.toString());
        json.put("data", data.toString());
        json.put("output", output.toString());
        json.put("cache", cache.toString());
        json.put("worker", worker);
        json.put("model", model);
        json.put("model_id", model.modelId());
        json.put("dtype", model.dtype());
        json.put("synthetic_weights", model.syntheticWeights());
        json.put("worker_version", model.workerVersion());
        json.put("contract_version", model.contractVersion());
        return json;
    }
}
