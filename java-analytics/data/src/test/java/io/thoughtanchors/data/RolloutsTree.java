package io.thoughtanchors.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds a math-rollouts tree from a shipped web-layout problem folder, the way the dataset is laid out:
 * chunks.json beside chunks_labeled.json, a few resampled rollouts (some of them defective as published), and
 * step_importance.json / summary.json moved to a separate {@code analysis/step_attribution} tree.
 */
final class RolloutsTree {

    static final String SAMPLING = "temperature_0.6_top_p_0.95";
    /** Rollouts written per problem, and how many of them are defective. */
    static final int ROLLOUTS = 11;
    static final int WITH_ERROR = 2;
    static final int WITHOUT_ANSWER = 2;

    private RolloutsTree() {
    }

    /** @return the new problem folder, {@code root/<model>/<sampling>/<solution dir>/problem_<id>} */
    static Path add(Path root, Path webProblem, String model, String solutionDir) throws IOException {
        Path problem = root.resolve(model).resolve(SAMPLING).resolve(solutionDir).resolve(webProblem.getFileName());
        Files.createDirectories(problem);
        for (String f : new String[] {"problem.json", "base_solution.json", "chunks_labeled.json"}) {
            Files.copy(webProblem.resolve(f), problem.resolve(f));
        }
        JsonNode base = JsonFields.readFile(webProblem.resolve("base_solution.json"));
        ObjectNode chunks = JsonFields.MAPPER.createObjectNode();
        chunks.put("source_text", base.get("full_cot").asText());
        chunks.put("solution_text", base.get("solution").asText());
        ArrayNode list = chunks.putArray("chunks");
        JsonFields.readFile(webProblem.resolve("chunks_labeled.json")).forEach(c -> list.add(c.get("chunk").asText()));
        Files.writeString(problem.resolve("chunks.json"), chunks.toString());

        // chunk_0: 5 good, 2 bare error records (the published defect), 1 without an answer;
        // chunk_1: 2 good, 1 with a blank answer.
        writeSolutions(problem.resolve("chunk_0"), 5, WITH_ERROR, 1);
        writeSolutions(problem.resolve("chunk_1"), 2, 0, WITHOUT_ANSWER - 1, true);

        Path analysis = root.resolve("analysis/step_attribution").resolve(model).resolve(solutionDir)
                .resolve(webProblem.getFileName());
        Files.createDirectories(analysis);
        for (String f : new String[] {"step_importance.json", "summary.json"}) {
            if (Files.exists(webProblem.resolve(f))) {
                Files.copy(webProblem.resolve(f), analysis.resolve(f));
            }
        }
        return problem;
    }

    private static void writeSolutions(Path chunkDir, int good, int errors, int noAnswer) throws IOException {
        writeSolutions(chunkDir, good, errors, noAnswer, false);
    }

    private static void writeSolutions(Path chunkDir, int good, int errors, int noAnswer, boolean blank)
            throws IOException {
        Files.createDirectories(chunkDir);
        ArrayNode a = JsonFields.MAPPER.createArrayNode();
        for (int i = 0; i < good; i++) {
            a.addObject().put("chunk_removed", "x").put("prefix_without_chunk", "p").put("chunk_resampled", "y")
                    .put("rollout", "a resampled rollout " + i).put("full_cot", "p y rollout").put("answer", "12")
                    .put("is_correct", i % 2 == 0);
        }
        for (int i = 0; i < errors; i++) {
            a.addObject().put("chunk_removed", "x").put("prefix_without_chunk", "p").put("error", "'text'");
        }
        for (int i = 0; i < noAnswer; i++) {
            ObjectNode o = a.addObject().put("chunk_removed", "x").put("rollout", "no boxed answer");
            if (blank) {
                o.put("answer", "");
            }
        }
        Files.writeString(chunkDir.resolve("solutions.json"), a.toPrettyString());
    }
}
