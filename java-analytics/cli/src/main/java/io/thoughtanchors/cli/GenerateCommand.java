package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.GenerateRequest;
import io.thoughtanchors.pipeline.GenerateResult;
import io.thoughtanchors.pipeline.PipelineException;
import io.thoughtanchors.pipeline.output.GeneratedTrace;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ta generate}: a chain of thought for one problem, sampled by a worker, written as a ta-trace/1 file. */
@Command(name = "generate", sortOptions = false,
        description = {
            "Generates a chain of thought for one problem with the worker's model and writes it as a trace in the"
                    + " project's format (ta-trace/1) that the analyses read.",
            "The prompt is the published traces' template around the problem, or with --chat-template the model's"
                    + " own chat template (the R1 distills open <think> in it). Tiny random-weight models write"
                    + " gibberish: use a real model for real traces."},
        footerHeading = "%n",
        footer = {
            "Writes DIR/<id>.json: problem, prompt, cot, after_cot, answer, model,",
            "sampling and generation {finished, stop_reason, new_tokens, closed_think}.",
            "A generation that reaches --max-new-tokens without </think> is kept",
            "(closed_think false, a warning); one that fails midway is kept as far as",
            "it got (stop_reason cancelled) and the command fails (status 4)."})
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    static final class Problem {
        @Option(names = "--problem", paramLabel = "TEXT", description = "The problem statement.")
        String text;

        @Option(names = "--problem-file", paramLabel = "FILE", description = "The problem statement from a UTF-8"
                + " file (surrounding whitespace dropped).")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Problem problem;

    @Mixin
    WorkerOptions worker;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder of traces to write into"
            + " (created if missing).")
    Path out;

    @Option(names = "--id", paramLabel = "ID", description = "The trace's id and file name (default:"
            + " problem-<first 8 hex digits of the problem's SHA-256>-seed<SEED>).")
    String id;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "" + GenerateRequest.DEFAULT_MAX_NEW_TOKENS,
            description = "Most tokens to generate; the prompt and these must fit the worker's max tokens"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "" + GenerateRequest.DEFAULT_TEMPERATURE,
            description = "Sampling temperature, 0 = greedy (default: ${DEFAULT-VALUE}, the published traces').")
    float temperature;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "" + GenerateRequest.DEFAULT_TOP_P,
            description = "Nucleus mass kept when sampling (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Sampling seed: the same seed gives the same trace on the same worker (default:"
                    + " ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop once the text contains this (repeatable).")
    List<String> stop = List.of();

    @Option(names = "--chat-template", description = "Apply the model's chat template to the problem (the worker"
            + " must list generate.chat_template; the tiny models have none).")
    boolean chatTemplate;

    @Option(names = "--force", description = "Replace an existing DIR/<id>.json.")
    boolean force;

    @Option(names = "--no-progress", description = "No progress bar on stderr (there is none unless stderr is a"
            + " terminal).")
    boolean noProgress;

    private final WorkerConnector workers;

    GenerateCommand(WorkerConnector workers) {
        this.workers = workers;
    }

    @Override
    public Integer call() {
        GenerateRequest request = new GenerateRequest(problemText(), out, Optional.ofNullable(id), force,
                worker.target(), maxNewTokens, temperature, topP, seed, stop, chatTemplate);
        GenerateResult result = Main.pipeline(workers, spec, !noProgress).generate(request);
        print(spec.commandLine().getOut(), result);
        return ExitStatus.SUCCESS.code;
    }

    private String problemText() {
        if (problem.file == null) {
            return problem.text;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(problem.file))).toString();
            return text.replaceFirst("^\uFEFF", "").strip();
        } catch (CharacterCodingException e) {
            throw PipelineException.badInput(problem.file + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw PipelineException.badInput("cannot read --problem-file " + problem.file + ": " + e, e);
        }
    }

    private static void print(PrintWriter o, GenerateResult r) {
        GeneratedTrace t = r.trace();
        o.printf(Locale.ROOT, "Generated %s with %s: %d new tokens, stop reason %s%s%n", t.id(), r.model().modelId(),
                t.newTokens(), t.stopReason(), t.closedThink() ? "" : " (no </think>: closed_think false)");
        o.printf(Locale.ROOT, "  chain of thought: %d characters; after it: %d characters%s%n", t.cot().length(),
                t.afterCot().length(), t.answer().map(a -> "; answer " + a).orElse(""));
        o.println("  trace in " + r.file());
        RunSummary.syntheticWeights(o, r.model());
        o.flush();
    }
}
