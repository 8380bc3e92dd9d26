package io.thoughtanchors.pipeline.label;

import io.thoughtanchors.pipeline.label.LoopbackApi.Dialect;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both HTTP backends against a loopback server speaking their API's wire format. */
class HttpBackendsTest {

    static final String KEY = "sk-loopback-0123456789abcdef";
    static final LabelInput INPUT = new LabelInput("t", "Compute 6 times 7.", List.of(
            "We need the product of six and seven.", "6 * 7 = 42.", "Wait, let me double-check that.",
            "Yes, 7 * 6 is also 42.", "The answer is 42."));
    static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMinutes(2),
            RetryPolicy.Sleeper.THREAD);

    @TempDir
    Path tmp;

    final List<Duration> sleeps = new ArrayList<>();

    LabelBackend backend(LoopbackApi api, Dialect dialect, String key) {
        ApiSettings settings = ApiSettings.of(api.baseUrl(), "loopback-model", Optional.of(ApiKey.of(key)))
                .withRetry(FAST.withSleeper(sleeps::add));
        return dialect == Dialect.OPENAI ? new OpenAiChatBackend(settings, true) : new AnthropicMessagesBackend(settings);
    }

    SentenceLabeller labeller(LabelBackend backend) {
        return new SentenceLabeller(backend, Optional.empty(), 3, w -> { });
    }

    static List<SentenceLabel> expected() throws InvalidLabelsException {
        return LabelResponseParser.parse(LoopbackApi.ruleAnswer(INPUT.sentences()), INPUT);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void labelsEverySentenceFromOneRequestInTheApisFormat(Dialect dialect) throws Exception {
        try (LoopbackApi api = new LoopbackApi(dialect, KEY)) {
            Labelling l = labeller(backend(api, dialect, KEY)).label(INPUT);
            assertEquals(expected(), l.labels());
            assertEquals(List.of(Category.PROBLEM_SETUP, Category.ACTIVE_COMPUTATION,
                    Category.UNCERTAINTY_MANAGEMENT, Category.ACTIVE_COMPUTATION, Category.FINAL_ANSWER_EMISSION),
                    l.labels().stream().map(SentenceLabel::primary).toList());
            assertEquals(new Labeller(dialect == Dialect.OPENAI ? "openai" : "anthropic", "loopback-model",
                    LabelPrompt.VERSION), l.labeller());
            assertEquals(1, api.received().size());
            var body = api.received().get(0).body();
            assertEquals("loopback-model", body.path("model").asText());
            assertEquals(0, body.path("temperature").asInt(-1));
            if (dialect == Dialect.OPENAI) {
                assertEquals("system", body.path("messages").path(0).path("role").asText());
                assertEquals(LabelPrompt.responseSchema(),
                        body.path("response_format").path("json_schema").path("schema"));
            } else {
                assertTrue(body.path("system").asText().contains("uncertainty_management"));
                assertEquals(ApiSettings.DEFAULT_MAX_OUTPUT_TOKENS, body.path("max_tokens").asInt());
            }
            assertTrue(sleeps.isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void waitsAsLongAsA429sRetryAfterSays(Dialect dialect) throws Exception {
        try (LoopbackApi api = new LoopbackApi(dialect, KEY)) {
            api.then(429, Map.of("retry-after", "7"), api.errorBody("rate_limit_error", "slow down"))
                    .then(429, Map.of("retry-after-ms", "1250"), api.errorBody("rate_limit_error", "slow down"))
                    .then(429, Map.of("x-ratelimit-reset-requests", "1m2s", "x-ratelimit-reset-tokens", "250ms"),
                            api.errorBody("rate_limit_error", "slow down"));
            assertEquals(expected(), labeller(backend(api, dialect, KEY)).label(INPUT).labels());
            assertEquals(List.of(Duration.ofSeconds(7), Duration.ofMillis(1250), Duration.ofSeconds(62)), sleeps);
            assertEquals(4, api.received().size());
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void retriesServerErrorsWithDoublingBackoffThenGivesUp(Dialect dialect) throws Exception {
        try (LoopbackApi api = new LoopbackApi(dialect, KEY)) {
            api.then(500, Map.of(), api.errorBody("api_error", "internal"));
            assertEquals(expected(), labeller(backend(api, dialect, KEY)).label(INPUT).labels());
            assertEquals(List.of(Duration.ofMillis(100)), sleeps);

            sleeps.clear();
            for (int i = 0; i < FAST.maxAttempts(); i++) {
                api.then(i % 2 == 0 ? 503 : 529, Map.of(), api.errorBody("overloaded_error", "Overloaded"));
            }
            int before = api.received().size();
            LabelException e = assertThrows(LabelException.class, () -> labeller(backend(api, dialect, KEY))
                    .label(INPUT));
            assertEquals(LabelException.Kind.SERVER, e.kind());
            assertTrue(e.getMessage().contains("Overloaded") && e.getMessage().contains("4 attempts"), e.getMessage());
            assertEquals(FAST.maxAttempts(), api.received().size() - before);
            assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)), sleeps);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aRateLimitLongerThanTheRetriesMayWaitFailsAtOnce(Dialect dialect) throws Exception {
        try (LoopbackApi api = new LoopbackApi(dialect, KEY)) {
            api.then(429, Map.of("retry-after", "3600"), api.errorBody("rate_limit_error", "daily limit"));
            LabelException e = assertThrows(LabelException.class, () -> labeller(backend(api, dialect, KEY))
                    .label(INPUT));
            assertEquals(LabelException.Kind.RATE_LIMITED, e.kind());
            assertTrue(e.getMessage().contains("3600 s"), e.getMessage());
            assertEquals(1, api.received().size());
            assertTrue(sleeps.isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void asksAgainAfterAMalformedBodyOrAnUnknownCategoryAndReportsTheLastReason(Dialect dialect) throws Exception {
        try (LoopbackApi api = new LoopbackApi(dialect, KEY)) {
            String unknown = LoopbackApi.ruleAnswer(INPUT.sentences()).replace("problem_setup", "musing");
            api.then(200, Map.of(), "{\"choices\": [ this is not json").thenAnswer(unknown);
            Labelling l = labeller(backend(api, dialect, KEY)).label(INPUT);
            assertEquals(expected(), l.labels());
            assertEquals(3, l.answers());

            api.thenAnswer("Sure! Here are the labels: sentence 0 is setup.").thenAnswer(unknown).thenAnswer(unknown);
            LabelException e = assertThrows(LabelException.class, () -> labeller(backend(api, dialect, KEY))
                    .label(INPUT));
            assertEquals(LabelException.Kind.BAD_RESPONSE, e.kind());
            assertTrue(e.getMessage().contains("3 answers") && e.getMessage().contains("unknown category \"musing\""),
                    e.getMessage());
            assertEquals(6, api.received().size());
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aRefusedKeyFailsAtOnceAndTheKeyAppearsNowhere(Dialect dialect) throws Exception {
        String wrongKey = "sk-wrong-key-that-must-never-leak-42";
        try (LoopbackApi api = new LoopbackApi(dialect, KEY)) {
            LabelBackend backend = backend(api, dialect, wrongKey);
            LabelCache cache = new LabelCache(tmp);
            LabelException e = assertThrows(LabelException.class,
                    () -> new SentenceLabeller(backend, Optional.of(cache), 3, w -> { }).label(INPUT));
            assertEquals(LabelException.Kind.AUTH, e.kind());
            assertEquals(1, api.received().size());
            assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("[api key]"), e.getMessage());
            assertFalse(e.getMessage().contains(wrongKey), e.getMessage());
            assertFalse(ApiKey.of(wrongKey).toString().contains(wrongKey));
            assertFalse(ApiSettings.of(api.baseUrl(), "m", Optional.of(ApiKey.of(wrongKey))).toString()
                    .contains(wrongKey));
            try (Stream<Path> files = Files.walk(tmp)) {
                assertTrue(files.filter(Files::isRegularFile).toList().isEmpty(), "nothing cached for a failure");
            }
            // and the accepted key is sent only as the header the API reads
            new SentenceLabeller(backend(api, dialect, KEY), Optional.of(cache), 3, w -> { }).label(INPUT);
            var headers = api.received().get(1).headers();
            assertEquals(dialect == Dialect.OPENAI ? "Bearer " + KEY : KEY,
                    headers.get(dialect == Dialect.OPENAI ? "authorization" : "x-api-key"));
            assertFalse(api.received().get(1).body().toString().contains(KEY));
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(Files.readString(f).contains(KEY), f.toString());
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void anUnreachableEndpointIsRetriedThenReported(Dialect dialect) throws IOException {
        LoopbackApi api = new LoopbackApi(dialect, KEY);
        LabelBackend backend = backend(api, dialect, KEY);
        api.close();
        LabelException e = assertThrows(LabelException.class, () -> labeller(backend).label(INPUT));
        assertEquals(LabelException.Kind.TRANSPORT, e.kind());
        assertEquals(FAST.maxAttempts() - 1, sleeps.size());
    }
}
