package io.thoughtanchors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.pipeline.FakeModelWorker;
import io.thoughtanchors.pipeline.cache.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DescribeCommandTest {

    @Test
    void printsTheModelAndItsSyntheticFlag() {
        CliRun run = CliRun.of(target -> new FakeModelWorker(2, 3), "describe", "--worker", "fake:1");

        assertEquals(0, run.status(), run.transcript());
        assertTrue(run.out().contains(FakeModelWorker.MODEL_ID + " (FakeForCausalLM)"), run.out());
        assertTrue(run.out().contains("2 layers, 3 query heads"), run.out());
        assertTrue(run.out().contains("synthetic:      YES"), run.out());
    }

    @Test
    void jsonIsTheDescribeAnswer() throws IOException {
        CliRun run = CliRun.of(target -> new FakeModelWorker(2, 3), "describe", "--worker", "fake:1", "--json");

        JsonNode json = Json.MAPPER.readTree(run.out());
        assertEquals(FakeModelWorker.MODEL_ID, json.get("modelId").asText());
        assertEquals(3, json.get("numQueryHeads").asInt());
    }

    @Test
    void unreachableWorkerExitsFour() {
        FakeModelWorker fake = new FakeModelWorker(2, 3);
        fake.unreachable = true;
        CliRun run = CliRun.of(target -> fake, "describe", "--worker", "fake:1");

        assertEquals(4, run.status(), run.transcript());
        assertTrue(run.err().startsWith("ta: cannot reach the worker at fake:1"), run.err());
    }
}
