package io.thoughtanchors.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The project's trace format and plain-text chains of thought: reading, bad input, and writing back. */
class TraceFilesTest {

    static final String COT = "First I add two and two. That gives four. So the answer is four.";

    @TempDir
    Path tmp;

    private TraceFormatException failure(Path data) {
        return assertThrows(TraceFormatException.class, () -> TestSplit.read(data));
    }

    private TraceFormatException failure(Path data, DataOptions options) {
        return assertThrows(TraceFormatException.class, () -> TraceReader.read(data, options, TestSplit.SENTENCES));
    }

    // ---- plain text ----

    @Test
    void aTextFileIsAChainOfThoughtWithItsPromptFromAFile() throws IOException {
        Path cot = Files.writeString(tmp.resolve("my cot.txt"), COT + "\n");
        Path prompt = Files.writeString(tmp.resolve("prompt.txt"), "What is 2+2? <think>\n");
        Trace t = TraceReader.read(cot, DataOptions.defaults().withPromptFile(prompt), TestSplit.SENTENCES).traces()
                .get(0);
        assertEquals("my-cot", t.id(), "the file name, made a valid id");
        assertEquals(DataLayout.TEXT, t.layout());
        assertEquals(new TraceText("What is 2+2? <think>\n", COT + "\n", ""), t.text());
        assertEquals(List.of("First I add two and two.", "That gives four.", "So the answer is four."), t.chunks());
        assertTrue(t.labels().isEmpty() && t.importance().isEmpty() && t.stepImportance().isEmpty());
        assertEquals("", TestSplit.one(cot).text().prompt(), "no prompt file: no prompt");
    }

    @Test
    void aByteOrderMarkIsDroppedNotRejected() throws IOException {
        byte[] text = COT.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[text.length + 3];
        bytes[0] = (byte) 0xEF;
        bytes[1] = (byte) 0xBB;
        bytes[2] = (byte) 0xBF;
        System.arraycopy(text, 0, bytes, 3, text.length);
        assertEquals(COT, TestSplit.one(Files.write(tmp.resolve("bom.txt"), bytes)).text().cot());
        Path json = Files.write(tmp.resolve("bom.json"), concat(bytes, 3, "{\"cot\": \"" + COT + "\"}"));
        assertEquals(COT, TestSplit.one(json).text().cot());
    }

    private static byte[] concat(byte[] prefix, int length, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[length + t.length];
        System.arraycopy(prefix, 0, out, 0, length);
        System.arraycopy(t, 0, out, length, t.length);
        return out;
    }

    @Test
    void anEmptyBinaryOrNonUtf8TextFileIsRefusedInOneLine() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        assertEquals(empty + ": the chain of thought is empty: there is nothing to analyse", failure(empty).getMessage());
        Path blank = Files.writeString(tmp.resolve("blank.txt"), " \n\t\n");
        assertTrue(failure(blank).getMessage().endsWith("the chain of thought is only whitespace: there is nothing"
                + " to analyse"));
        Path binary = Files.write(tmp.resolve("binary.txt"), new byte[] {'P', 'K', 3, 4, 0, 0, 1});
        assertEquals(binary + ": a binary file, not text (a NUL byte at offset 4)", failure(binary).getMessage());
        Path latin1 = Files.write(tmp.resolve("latin1.txt"), "Caf\u00e9 au lait.".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(latin1 + ": not UTF-8 text: byte 0xe9 at offset 3 does not decode (save the file as UTF-8)",
                failure(latin1).getMessage());
        for (Path p : List.of(empty, blank, binary, latin1)) {
            assertEquals(1, failure(p).getMessage().lines().count());
        }
    }

    @Test
    void anUnknownExtensionIsRefused() throws IOException {
        Path md = Files.writeString(tmp.resolve("cot.md"), COT);
        assertTrue(failure(md).getMessage().contains("not a trace file: expected a .txt chain of thought, a .json"));
    }

    @Test
    void aPromptFileGoesWithTextOnly() throws IOException {
        Path json = Files.writeString(tmp.resolve("t.json"), "{\"cot\": \"" + COT + "\"}");
        Path prompt = Files.writeString(tmp.resolve("prompt.txt"), "p");
        assertTrue(failure(json, DataOptions.defaults().withPromptFile(prompt)).getMessage()
                .contains("a prompt file goes with a .txt chain of thought only"));
    }

    // ---- the trace format ----

    @Test
    void aJsonTraceGetsTheDefaultPromptFromItsProblem() throws IOException {
        Path file = Files.writeString(tmp.resolve("t.json"), "{\"problem\": \"What is 2+2?\", \"cot\": \"" + COT
                + "\", \"after_cot\": \"</think>\\n\\nFour.\", \"answer\": \"4\"}");
        Trace t = TestSplit.one(file);
        assertEquals("t", t.id());
        assertEquals(DataLayout.TRACE_JSON, t.layout());
        assertEquals("Solve this math problem step by step. You MUST put your final answer in \\boxed{}. Problem: "
                + "What is 2+2? Solution: \n<think>\n", t.text().prompt());
        assertEquals(t.text().prompt() + COT + "</think>\n\nFour.", t.text().modelText());
        assertEquals("What is 2+2?", t.source().problemStatement().orElseThrow());
        assertEquals("4", ((TraceFile) t.source()).document().answer().orElseThrow());
    }

    @Test
    void aJsonlFileHoldsManyTracesWithLineIdsAndProblemNumbers() throws IOException {
        Path file = Files.writeString(tmp.resolve("runs.jsonl"), String.join("\n",
                "{\"problem\": \"A\", \"cot\": \"" + COT + "\"}",
                "",
                "{\"id\": \"second/try\", \"problem\": \" A \", \"cot\": \"Two. Three.\"}",
                "{\"cot\": \"Nothing else. At all.\", \"prompt\": \"\"}") + "\n");
        List<Trace> traces = TestSplit.traces(file);
        assertEquals(List.of("runs-1", "second/try", "runs-4"), traces.stream().map(Trace::id).toList());
        assertEquals(List.of(OptionalInt.of(1), OptionalInt.of(3), OptionalInt.of(4)),
                traces.stream().map(t -> ((TraceFile) t.source()).line()).toList());
        assertEquals(List.of(1, 1, 2), traces.stream().map(t -> t.source().problemNumber()).toList(),
                "the same problem statement is one problem");
    }

    @Test
    void aBadLineOfAJsonlFileIsNamedByItsNumber() throws IOException {
        Path file = Files.writeString(tmp.resolve("runs.jsonl"), "{\"cot\": \"" + COT + "\"}\n{\"cot\": \"x\"\n");
        assertTrue(failure(file).getMessage().startsWith(file + " line 2: malformed JSON: "), failure(file).getMessage());
        Files.writeString(file, "{\"cot\": \"" + COT + "\"}\n{\"cot\": 7}\n");
        assertEquals(file + " line 2: field 'cot' must be a string", failure(file).getMessage());
        Files.writeString(file, "{\"cot\": \"a.\"}\n{\"problem\": \"p\"}\n");
        assertEquals(file + " line 2: field 'cot' (the chain of thought) is missing", failure(file).getMessage());
        Files.writeString(file, "{\"cot\": \"a.\"}\n[1, 2]\n");
        assertEquals(file + " line 2: a trace must be a JSON object", failure(file).getMessage());
        Files.writeString(file, "{\"cot\": \"a.\", \"cot\": \"b.\"}\n");
        assertTrue(failure(file).getMessage().startsWith(file + " line 1: malformed JSON: Duplicate field 'cot'"));
        Files.writeString(file, "{\"cot\": \"a.\"} {\"cot\": \"b.\"}\n");
        assertTrue(failure(file).getMessage().startsWith(file + " line 1: malformed JSON: "));
    }

    @Test
    void idsAreCheckedAndUnique() throws IOException {
        Path file = Files.writeString(tmp.resolve("runs.jsonl"), "{\"id\": \"a\", \"cot\": \"x.\"}\n"
                + "{\"id\": \"a\", \"cot\": \"y.\"}\n");
        assertEquals(file + " line 2: trace id 'a' is also the id of line 1; ids must be unique",
                failure(file).getMessage());
        Files.writeString(file, "{\"id\": \"../escape\", \"cot\": \"x.\"}\n");
        assertTrue(failure(file).getMessage().contains("is not a relative path of names"), failure(file).getMessage());
    }

    @Test
    void theFormatIsChecked() throws IOException {
        Path file = tmp.resolve("t.json");
        Files.writeString(file, "{\"format\": \"ta-trace/2\", \"cot\": \"x.\"}");
        assertEquals(file + ": format 'ta-trace/2' is not ta-trace/1, the trace format this ta reads",
                failure(file).getMessage());
        Files.writeString(file, "{\"cot\": \"x.\", \"generation\": {\"finished\": false, \"stop_reason\": \"tired\","
                + " \"new_tokens\": 3, \"closed_think\": false}}");
        assertTrue(failure(file).getMessage().contains("stop_reason 'tired' is none of"));
        Files.writeString(file, "{\"cot\": \"x.\", \"sampling\": {\"temperature\": \"hot\"}}");
        assertEquals(file + ": sampling: field 'temperature' must be a number", failure(file).getMessage());
    }

    @Test
    void labelsAndImportanceMustFitTheSentences() throws IOException {
        Path file = tmp.resolve("t.json");
        TraceDocument doc = TraceDocument.of(COT).withLabels(List.of(
                new TraceDocument.Label(0, "First I add two and two.", List.of("plan_generation"), List.of()),
                new TraceDocument.Label(1, "That gives four.", List.of("active_computation"), List.of(0)),
                new TraceDocument.Label(2, "So the answer is four.", List.of(), List.of(1))), labeller());
        TraceFiles.write(file, doc);
        Trace t = TestSplit.one(file);
        assertEquals(List.of("plan_generation", "active_computation", ChunkLabel.UNKNOWN),
                List.of(t.category(0).orElseThrow(), t.category(1).orElseThrow(), t.category(2).orElseThrow()));
        assertEquals(List.of(0), t.label(1).orElseThrow().dependsOn());

        TraceFiles.write(file, doc.withCot(COT + " And one more."));
        assertEquals(file + ": field 'labels' has 3 entries but the chain of thought splits into 4 sentences; it needs"
                + " one per sentence", failure(file).getMessage());
        TraceFiles.write(file, doc.withCot(COT.replace("gives", "makes")));
        assertTrue(failure(file).getMessage().contains("labels[1] is for \"That gives four.\" but sentence 1 of the"
                + " chain of thought is \"That makes four.\""), failure(file).getMessage());

        Files.writeString(file, "{\"cot\": \"" + COT + "\", \"importance\": [{\"sentence_index\": 0},"
                + " {\"sentence_index\": 2}]}");
        assertTrue(failure(file).getMessage().contains("importance[1]: sentence_index is 2 but entries must list"));
    }

    @Test
    void importanceFromATraceFileIsKeyedLikeChunksLabeled() throws IOException {
        Path file = Files.writeString(tmp.resolve("t.json"), "{\"cot\": \"" + COT + "\", \"importance\": ["
                + "{\"sentence_index\": 0, \"counterfactual_importance_accuracy\": -0.25},"
                + "{\"sentence_index\": 1, \"counterfactual_importance_accuracy\": 0.5, \"accuracy\": 0.9},"
                + "{\"sentence_index\": 2}]}");
        Trace t = TestSplit.one(file);
        assertEquals(-0.25, t.importance(0).orElseThrow().counterfactualImportanceAccuracy(), 0);
        assertEquals(0.9, t.importance(1).orElseThrow().accuracy(), 0);
        assertTrue(Double.isNaN(t.importance(2).orElseThrow().counterfactualImportanceAccuracy()));
        assertTrue(t.labels().isEmpty());
    }

    // ---- writing ----

    @Test
    void aRewrittenTraceKeepsEveryFieldItDoesNotKnow() throws IOException {
        Path file = Files.writeString(tmp.resolve("t.jsonl"), "{\"cot\": \"" + COT + "\", \"x_notes\": {\"by\": \"me\","
                + " \"deep\": [1, 2]}, \"model\": {\"model_id\": \"m\", \"backend\": \"hf\", \"extra\": true}}\n"
                + "{\"cot\": \"Second. Trace.\"}\n");
        List<TraceFiles.Entry> entries = TraceFiles.read(file, Optional.empty());
        TraceDocument labelled = entries.get(0).document().withLabels(List.of(
                new TraceDocument.Label(0, "First I add two and two.", List.of("plan_generation"), List.of()),
                new TraceDocument.Label(1, "That gives four.", List.of("active_computation"), List.of(0)),
                new TraceDocument.Label(2, "So the answer is four.", List.of("final_answer_emission"), List.of(1))),
                labeller());
        TraceFiles.write(file, List.of(labelled, entries.get(1).document()));

        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        JsonNode first = JsonFields.MAPPER.readTree(lines.get(0));
        assertEquals(TraceDocument.FORMAT, first.get("format").asText());
        assertEquals("format", first.fieldNames().next(), "format is written first");
        assertEquals(JsonFields.MAPPER.readTree("{\"by\": \"me\", \"deep\": [1, 2]}"), first.get("x_notes"));
        assertTrue(first.get("model").get("extra").asBoolean());
        assertEquals("ta label", first.get("labeller").get("backend").asText());
        assertEquals(3, TestSplit.traces(file).get(0).labels().orElseThrow().size());
        assertEquals(entries.get(1).document(), TraceFiles.read(file, Optional.empty()).get(1).document()
                .without("format"), "the other trace unchanged");
    }

    @Test
    void generationFieldsRoundTrip() throws IOException {
        Path file = tmp.resolve("generated.json");
        ObjectNode model = JsonFields.MAPPER.createObjectNode().put("model_id", "tiny-qwen2").put("dtype", "float32");
        TraceDocument doc = TraceDocument.of(COT).withProblem("What is 2+2?").withAfterCot("")
                .withModel(model).withAnswer("4")
                .withSampling(new TraceDocument.Sampling(0.6, 0.95, OptionalLong.of(7), 256, List.of("</think>"), true))
                .withGeneration(new TraceDocument.Generation(false, TraceDocument.StopReason.MAX_NEW_TOKENS, 256,
                        false));
        TraceFiles.write(file, doc);
        TraceDocument back = TraceFiles.read(file, Optional.empty()).get(0).document();
        assertEquals(doc, back);
        assertEquals(TraceDocument.StopReason.MAX_NEW_TOKENS, back.generation().orElseThrow().stopReason());
        assertFalse(back.generation().orElseThrow().finished());
        assertEquals(OptionalLong.of(7), back.sampling().orElseThrow().seed());
        assertEquals(List.of("</think>"), back.sampling().orElseThrow().stop());
        assertTrue(Files.readString(file).contains("\"stop_reason\" : \"max_new_tokens\""), "indented, wire names");
    }

    @Test
    void writesAreAtomicAndTheFileTypeIsChecked() throws IOException {
        Path file = tmp.resolve("t.json");
        TraceFiles.write(file, TraceDocument.of(COT));
        String before = Files.readString(file);
        assertThrows(IllegalArgumentException.class, () -> TraceFiles.write(file,
                List.of(TraceDocument.of("a."), TraceDocument.of("b."))));
        assertThrows(IllegalArgumentException.class, () -> TraceFiles.write(tmp.resolve("t.txt"), TraceDocument.of("a.")));
        Path blocked = Files.createDirectories(tmp.resolve("dir.json"));
        Files.writeString(blocked.resolve("keep"), "x");
        assertThrows(IOException.class, () -> TraceFiles.write(blocked, TraceDocument.of("a.")));
        assertEquals(before, Files.readString(file));
        try (var left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void documentsRefuseWhatTheFormatForbids() {
        assertThrows(IllegalArgumentException.class, () -> TraceDocument.of(" "));
        assertThrows(IllegalArgumentException.class, () -> TraceDocument.of(COT).withId("a//b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceDocument.fromJson(
                JsonFields.MAPPER.createObjectNode().put("cot", COT).put("after_cot", 3)));
        assertEquals("field 'after_cot' must be a string", e.getMessage());
    }

    private static ObjectNode labeller() {
        return JsonFields.MAPPER.createObjectNode().put("backend", "ta label").put("model", "test")
                .put("prompt_version", "1");
    }
}
