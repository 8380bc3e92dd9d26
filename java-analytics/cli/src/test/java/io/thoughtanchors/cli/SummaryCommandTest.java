package io.thoughtanchors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.thoughtanchors.pipeline.cache.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ta summary} on the committed sample: the recomputed files against the published ones. */
class SummaryCommandTest {

    static final Path ALL_SAMPLES = Path.of("../../data/thought-anchors-sample");

    @TempDir
    Path tmp;

    @Test
    void everySampleSummaryIsRecomputedAsPublished() throws IOException {
        CliRun run = CliRun.of(ReceiversCommandTest.NO_WORKER, "summary", "--data", ALL_SAMPLES.toString(), "--out",
                tmp.resolve("out").toString());

        assertEquals(0, run.status(), run.transcript());
        assertTrue(run.out().contains("Recomputed summary.json of 7 traces: 7 equal the published"), run.out());
        List<List<String>> table = ReceiversCommandTest.csv(tmp.resolve("out/summaries.csv"));
        assertEquals(8, table.size());
        assertTrue(table.stream().skip(1).allMatch(r -> r.get(5).equals("true")), table.toString());
        List<Path> published = new ArrayList<>();
        try (var files = Files.walk(ALL_SAMPLES)) {
            files.filter(p -> p.getFileName().toString().equals("summary.json")).forEach(published::add);
        }
        assertEquals(7, published.size());
        for (Path file : published) {
            JsonNode theirs = Json.MAPPER.readTree(file.toFile());
            Path trace = file.getParent();
            String id = trace.getParent().getParent().getFileName() + "/"
                    + trace.getParent().getFileName().toString().replace("_base_solution", "") + "/"
                    + trace.getFileName().toString().replace("problem_", "");
            JsonNode ours = Json.MAPPER.readTree(tmp.resolve("out").resolve(id).resolve("summary.json").toFile());
            assertEquals(theirs.get("num_chunks"), ours.get("num_chunks"), id);
            for (String field : List.of("avg_importance", "max_importance", "min_importance")) {
                assertEquals(theirs.get(field).asDouble(), ours.get(field).asDouble(), 1e-15, id + " " + field);
            }
            for (String list : List.of("top_influential_steps", "top_dependent_steps")) {
                assertEquals(theirs.get(list).size(), ours.get(list).size(), id + " " + list);
                for (int i = 0; i < theirs.get(list).size(); i++) {
                    JsonNode a = theirs.get(list).get(i);
                    JsonNode b = ours.get(list).get(i);
                    assertEquals(a.get("step_idx"), b.get("step_idx"), id + " " + list);
                    String value = list.startsWith("top_influential") ? "avg_outgoing_importance"
                            : "avg_incoming_importance";
                    assertEquals(a.get(value).asDouble(), b.get(value).asDouble(), 1e-15, id + " " + list);
                    assertEquals(a.get("step_text").get("chunk"), b.get("step_text").get("chunk"), id + " " + list);
                }
            }
        }
        assertTrue(Files.isRegularFile(tmp.resolve("out/run.json")));
    }

    @Test
    void aChangedStepImportanceIsReportedAsDifferent() throws IOException {
        Path trace = tmp.resolve("data/deepseek-r1-distill-qwen-14b/correct_base_solution/problem_2238");
        Files.createDirectories(trace);
        Path source = ReceiversCommandTest.SAMPLE.resolve("correct_base_solution/problem_2238");
        try (var files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, trace.resolve(f.getFileName()));
            }
        }
        Path matrix = trace.resolve("step_importance.json");
        Files.writeString(matrix, Files.readString(matrix).replaceFirst("0\\.92", "0.93"));

        CliRun run = CliRun.of(ReceiversCommandTest.NO_WORKER, "summary", "--data", tmp.resolve("data").toString(),
                "--out", tmp.resolve("out").toString());

        assertEquals(0, run.status(), run.transcript());
        assertTrue(run.out().contains("1 traces: 0 equal"), run.out());
        assertTrue(run.err().contains("differs from the published one"), run.err());
        JsonNode ours = Json.MAPPER.readTree(tmp.resolve("out/deepseek-r1-distill-qwen-14b/correct/2238/summary.json")
                .toFile());
        assertEquals(0.93, ours.get("max_importance").asDouble(), 0);
    }
}
