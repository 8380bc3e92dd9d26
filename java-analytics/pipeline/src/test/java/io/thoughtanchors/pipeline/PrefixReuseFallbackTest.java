package io.thoughtanchors.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.pipeline.cache.Json;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import io.thoughtanchors.worker.LogitsQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker without {@code logits.prefix_reuse} (e.g. {@code serve --backend transformerlens}) recomputes and ships
 * every position of every pass. The suppression matrix then asks for exactly that, checks the answers for it,
 * records it in run.json, and gets the same matrix as from a worker that reuses the baseline's prefix.
 */
class PrefixReuseFallbackTest {

    static final Path TRACE = Path.of(
            "../../data/thought-anchors-sample/deepseek-r1-distill-llama-8b/incorrect_base_solution/problem_2189");

    @TempDir
    Path tmp;

    record Run(SuppressionMatrixResult result, List<LogitsQuery> queries, JsonNode suppression) {
    }

    private Run run(boolean prefixReuse, String name) throws IOException {
        FakeModelWorker fake = new FakeModelWorker(2, 2);
        fake.prefixReuse = prefixReuse;
        SuppressionMatrixResult result = Pipeline.create().withConnector(target -> fake).suppressionMatrix(
                SuppressionMatrixRequest.of(TRACE, tmp.resolve(name)).withCache(tmp.resolve(name + "-cache"))
                        .withWorker(WorkerTarget.remote("fake:1")).withVariantsPerCall(4));
        JsonNode runJson = Json.MAPPER.readTree(result.outputDir().resolve("run.json").toFile());
        return new Run(result, List.copyOf(fake.logitsQueries), runJson.get("suppression"));
    }

    @Test
    void withoutPrefixReuseEveryPassIsAFullRecomputeRecordedInRunJsonWithTheSameMatrix() throws IOException {
        Run reuse = run(true, "reuse");
        Run fallback = run(false, "fallback");

        assertTrue(reuse.queries().size() > 5 && reuse.queries().stream().noneMatch(LogitsQuery::fullRecompute),
                "a worker with prefix reuse is asked to reuse");
        assertEquals(reuse.queries().size(), fallback.queries().size());
        assertTrue(fallback.queries().stream().allMatch(LogitsQuery::fullRecompute),
                "a worker without it is asked for what it does: every position of every pass");

        assertEquals("used", reuse.suppression().get("prefix_reuse").asText());
        assertFalse(reuse.suppression().get("full_recompute").asBoolean());
        assertTrue(fallback.suppression().get("prefix_reuse").asText().startsWith(
                "absent: the worker lacks logits.prefix_reuse"), fallback.suppression().toString());
        assertTrue(fallback.suppression().get("full_recompute").asBoolean());

        double[][] expected = reuse.result().traces().get(0).raw();
        double[][] got = fallback.result().traces().get(0).raw();
        assertTrue(expected.length >= 20);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], got[i], "row " + i);
        }
    }
}
