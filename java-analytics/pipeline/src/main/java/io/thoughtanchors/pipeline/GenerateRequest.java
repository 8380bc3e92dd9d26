package io.thoughtanchors.pipeline;

import io.thoughtanchors.pipeline.worker.WorkerTarget;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A chain of thought generated for one problem ({@code ta generate}), written as a ta-trace/1 file
 * {@code out/<id>.json}. Start from {@link #of} and change what differs with the {@code with} methods.
 *
 * <p>The prompt is the published traces' template around the problem ({@link #PUBLISHED_PROMPT}), or with
 * {@code chatTemplate} the model's own chat template around {@link #CHAT_MESSAGE} (the R1 distills open their
 * {@code <think>} block in it).
 *
 * @param id           the trace's id and file name; empty = {@code problem-<sha>-seed<seed>}, sha the first 8 hex
 *                     digits of the problem's SHA-256
 * @param force        replace an existing {@code out/<id>.json}
 * @param temperature  0 = greedy
 * @param topP         nucleus mass kept when sampling, in (0, 1]
 * @param stop         stop strings: generation ends once the text contains one
 */
public record GenerateRequest(String problem, Path out, Optional<String> id, boolean force, WorkerTarget worker,
                              int maxNewTokens, float temperature, float topP, long seed, List<String> stop,
                              boolean chatTemplate) {

    /** The published traces' prompt; {@code %s} is the problem. */
    public static final String PUBLISHED_PROMPT = "Solve this math problem step by step. You MUST put your final"
            + " answer in \\boxed{}. Problem: %s Solution: \n<think>\n";
    /** The user message under a chat template; {@code %s} is the problem. */
    public static final String CHAT_MESSAGE = "Solve this math problem step by step. You MUST put your final answer"
            + " in \\boxed{}. Problem: %s";
    /** The published traces' sampling (the R1 distills' recommended settings). */
    public static final float DEFAULT_TEMPERATURE = 0.6f;
    public static final float DEFAULT_TOP_P = 0.95f;
    public static final int DEFAULT_MAX_NEW_TOKENS = 4096;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public GenerateRequest {
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(worker, "worker");
        stop = List.copyOf(stop);
        if (problem.isBlank()) {
            throw PipelineException.invalidRequest("the problem is empty");
        }
        if (id.isPresent() && !ID.matcher(id.get()).matches()) {
            throw PipelineException.invalidRequest("--id " + id.get() + " is not a file name: letters, digits, '.',"
                    + " '_' and '-', at most 128, starting with a letter or digit");
        }
        if (maxNewTokens < 1) {
            throw PipelineException.invalidRequest("--max-new-tokens must be at least 1, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw PipelineException.invalidRequest("--temperature must be finite and >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw PipelineException.invalidRequest("--top-p must be in (0, 1], got " + topP);
        }
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw PipelineException.invalidRequest("--stop must not be empty");
        }
    }

    /** The published traces' settings (temperature 0.6, top-p 0.95, seed 0, 4096 new tokens), no worker yet. */
    public static GenerateRequest of(String problem, Path out) {
        return new GenerateRequest(problem, out, Optional.empty(), false, WorkerTarget.none(), DEFAULT_MAX_NEW_TOKENS,
                DEFAULT_TEMPERATURE, DEFAULT_TOP_P, 0, List.of(), false);
    }

    public GenerateRequest withWorker(WorkerTarget worker) {
        return new GenerateRequest(problem, out, id, force, worker, maxNewTokens, temperature, topP, seed, stop,
                chatTemplate);
    }

    public GenerateRequest withId(String id) {
        return new GenerateRequest(problem, out, Optional.of(id), force, worker, maxNewTokens, temperature, topP, seed,
                stop, chatTemplate);
    }

    public GenerateRequest withForce(boolean force) {
        return new GenerateRequest(problem, out, id, force, worker, maxNewTokens, temperature, topP, seed, stop,
                chatTemplate);
    }

    public GenerateRequest withSampling(int maxNewTokens, float temperature, float topP, long seed) {
        return new GenerateRequest(problem, out, id, force, worker, maxNewTokens, temperature, topP, seed, stop,
                chatTemplate);
    }

    public GenerateRequest withStop(List<String> stop) {
        return new GenerateRequest(problem, out, id, force, worker, maxNewTokens, temperature, topP, seed, stop,
                chatTemplate);
    }

    public GenerateRequest withChatTemplate(boolean chatTemplate) {
        return new GenerateRequest(problem, out, id, force, worker, maxNewTokens, temperature, topP, seed, stop,
                chatTemplate);
    }

    /** What the worker is given: the templated problem, or the bare user message under a chat template. */
    public String modelInput() {
        return String.format(chatTemplate ? CHAT_MESSAGE : PUBLISHED_PROMPT, problem);
    }

    /** The trace's id: {@link #id} or one derived from the problem and the seed. */
    public String traceId() {
        return id.orElseGet(() -> "problem-" + sha256Hex(problem).substring(0, 8) + "-seed" + seed);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Where the trace goes. */
    public Path file() {
        return out.resolve(traceId() + ".json");
    }
}
