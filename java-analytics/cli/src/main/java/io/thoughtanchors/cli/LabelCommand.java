package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.LabelRequest;
import io.thoughtanchors.pipeline.LabelResult;
import io.thoughtanchors.pipeline.label.AnthropicMessagesBackend;
import io.thoughtanchors.pipeline.label.ApiKey;
import io.thoughtanchors.pipeline.label.ApiSettings;
import io.thoughtanchors.pipeline.label.LabelBackend;
import io.thoughtanchors.pipeline.label.OpenAiChatBackend;
import io.thoughtanchors.pipeline.label.RetryPolicy;
import io.thoughtanchors.pipeline.label.SentenceLabeller;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import io.thoughtanchors.pipeline.worker.WorkerTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

/** {@code ta label}: every sentence of every trace labelled into the paper's categories by a language model API. */
@Command(name = "label", sortOptions = false,
        description = {
            "Labels every sentence of every trace with the paper's function categories (problem_setup,"
                    + " plan_generation, fact_retrieval, active_computation, uncertainty_management,"
                    + " result_consolidation, self_checking, final_answer_emission, unknown) and the earlier"
                    + " sentences it depends on, by a language model behind an OpenAI-compatible chat-completions"
                    + " endpoint or the Anthropic messages API, or offline by the model of a worker (--api worker:"
                    + " its Generate verb under the model's chat template). All sentences of a trace go in one request, so each"
                    + " is judged in context. Answers are checked strictly and asked again when invalid; labels are"
                    + " cached per (problem, sentences, backend, model, prompt version), so a rerun asks nothing.",
            "The key is read from the environment (--api-key-env) or a file, never from the command line, and"
                    + " is written nowhere. A failure of the API (refused key, lasting rate limit) exits 4 and keeps"
                    + " the traces labelled so far."},
        footerHeading = "%n",
        footer = {
            "Output files in --out:",
            "  <trace id>.json   the trace in the ta-trace/1 format with labels and labeller",
            "  run.json          the labeller, per trace its sentence count and whether it was cached"})
final class LabelCommand implements Callable<Integer> {

    /** The labelling APIs; WORKER is the model of --worker/--local, through its Generate verb. */
    enum Api {
        OPENAI(OpenAiChatBackend.DEFAULT_BASE_URL, OpenAiChatBackend.KEY_VARIABLE),
        ANTHROPIC(AnthropicMessagesBackend.DEFAULT_BASE_URL, AnthropicMessagesBackend.KEY_VARIABLE),
        WORKER(null, null);

        final URI defaultBaseUrl;
        final String keyVariable;

        Api(URI defaultBaseUrl, String keyVariable) {
            this.defaultBaseUrl = defaultBaseUrl;
            this.keyVariable = keyVariable;
        }
    }

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Mixin
    OutputOptions output;

    @Mixin
    CacheOption cache;

    @Mixin
    WorkerOptions worker;

    @Option(names = "--api", required = true, paramLabel = "openai|anthropic|worker",
            description = "openai: any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp, ...);"
                    + " anthropic: the Anthropic messages API; worker: offline, the model of --worker or --local"
                    + " (it needs a chat template; greedy decoding).")
    Api api;

    @Option(names = "--model", paramLabel = "NAME", description = "The model the API runs (openai, anthropic).")
    String model;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "worker: the answer's token limit"
            + " (default: ${DEFAULT-VALUE}).")
    int maxNewTokens = LabelRequest.DEFAULT_MAX_NEW_TOKENS;

    @Option(names = "--base-url", paramLabel = "URL", description = "Default: https://api.openai.com/v1 (openai),"
            + " https://api.anthropic.com (anthropic). A local OpenAI-compatible server, e.g."
            + " http://127.0.0.1:8000/v1, may need no key.")
    URI baseUrl;

    @Option(names = "--api-key-env", paramLabel = "VAR", description = "Environment variable holding the key"
            + " (default: OPENAI_API_KEY or ANTHROPIC_API_KEY).")
    String keyVariable;

    @Option(names = "--api-key-file", paramLabel = "FILE", description = "Read the key from this file instead.")
    Path keyFile;

    @Option(names = "--no-json-schema", description = "openai: do not ask for a structured answer"
            + " (response_format json_schema), for servers that refuse the field.")
    boolean noJsonSchema;

    @Option(names = "--max-output-tokens", paramLabel = "N", description = "anthropic: the answer's token limit"
            + " (default: ${DEFAULT-VALUE}).")
    int maxOutputTokens = ApiSettings.DEFAULT_MAX_OUTPUT_TOKENS;

    @Option(names = "--max-attempts", paramLabel = "N", description = "Calls per request on rate limits (429),"
            + " server errors (5xx) and broken connections, the first included (default: ${DEFAULT-VALUE}); waits"
            + " as the server's retry-after says, else 2 s doubling, at most 120 s.")
    int maxAttempts = RetryPolicy.DEFAULT.maxAttempts();

    @Option(names = "--max-answers", paramLabel = "N", description = "Answers asked per trace while they are"
            + " invalid (not JSON, an unknown category, a sentence missing) (default: ${DEFAULT-VALUE}).")
    int maxAnswers = SentenceLabeller.DEFAULT_MAX_ANSWERS;

    private final WorkerConnector workers;
    private final UnaryOperator<String> environment;

    LabelCommand(WorkerConnector workers) {
        this(workers, System::getenv);
    }

    /** @param environment the environment variables (tests give their own) */
    LabelCommand(WorkerConnector workers, UnaryOperator<String> environment) {
        this.workers = workers;
        this.environment = environment;
    }

    @Override
    public Integer call() {
        if (maxAttempts < 1 || maxAnswers < 1) {
            throw new ParameterException(spec.commandLine(), "--max-attempts and --max-answers must be at least 1");
        }
        LabelRequest request = source().withDataOptions(data.options())
                .withForce(output.force).withCache(cache.cache()).withMaxAnswers(maxAnswers);
        LabelResult result = Main.pipeline(workers, spec, output.showProgress()).label(request);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Labelled %d traces (%d sentences) with %s model %s, prompt %s: %d from the cache%n",
                result.traces().size(), result.traces().stream().mapToInt(t -> t.labelling().labels().size()).sum(),
                result.labeller().backend(), result.labeller().model(), result.labeller().promptVersion(),
                result.cachedCount());
        RunSummary.warningsAndFolder(out, result.warnings().size(), result.outputDir().toString());
        out.flush();
        return ExitStatus.SUCCESS.code;
    }

    private LabelRequest source() {
        WorkerTarget target = worker.target();
        if (api == Api.WORKER) {
            if (target.isNone() || model != null) {
                throw new ParameterException(spec.commandLine(), "--api worker labels with the model of --worker or"
                        + " --local" + (model != null ? ", not --model" : ": give one of them"));
            }
            if (maxNewTokens < 1) {
                throw new ParameterException(spec.commandLine(), "--max-new-tokens must be at least 1");
            }
            return LabelRequest.offline(data.data, output.out, target).withMaxNewTokens(maxNewTokens);
        }
        if (!target.isNone() || model == null) {
            throw new ParameterException(spec.commandLine(), "--api " + api.name().toLowerCase(Locale.ROOT)
                    + (model == null ? " needs --model" : " labels through the API: --worker and --local are for"
                    + " --api worker"));
        }
        return LabelRequest.of(data.data, output.out, backend());
    }

    private LabelBackend backend() {
        URI base = baseUrl == null ? api.defaultBaseUrl : baseUrl;
        ApiSettings settings;
        try {
            settings = ApiSettings.of(base, model, key(base))
                    .withRetry(RetryPolicy.DEFAULT.withMaxAttempts(maxAttempts)).withMaxOutputTokens(maxOutputTokens);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return api == Api.OPENAI ? new OpenAiChatBackend(settings, !noJsonSchema)
                : new AnthropicMessagesBackend(settings);
    }

    /** The key from --api-key-file or the environment; none only for an endpoint other than the API's own. */
    private Optional<ApiKey> key(URI base) {
        if (keyFile != null) {
            try {
                return Optional.of(ApiKey.of(Files.readString(keyFile, StandardCharsets.UTF_8)));
            } catch (IOException | IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "cannot read an API key from --api-key-file "
                        + keyFile + (e instanceof IOException ? " (" + e.getClass().getSimpleName() + ")"
                        : " (empty or more than one line)"));
            }
        }
        String variable = keyVariable == null ? api.keyVariable : keyVariable;
        String value = environment.apply(variable);
        if (value != null && !value.isBlank()) {
            try {
                return Optional.of(ApiKey.of(value));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "the API key in $" + variable + " holds a line break");
            }
        }
        if (base.equals(api.defaultBaseUrl)) {
            throw new ParameterException(spec.commandLine(), "no API key: set $" + variable
                    + " (or give --api-key-env VAR or --api-key-file FILE)");
        }
        return Optional.empty();
    }
}
