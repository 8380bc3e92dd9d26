package io.thoughtanchors.pipeline.label;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server on loopback that speaks one labelling API's wire format: the OpenAI chat-completions or the
 * Anthropic messages endpoint, its authentication (a wrong key gets the API's 401 error body, which echoes the key
 * it was sent, the worst case for leaks), its request checks (400 on a malformed request) and its answer envelope.
 * Scripted replies (status codes, rate-limit headers, malformed bodies) are served first, in order; after them it
 * answers like a model that labels by {@link #RULE}, from the sentences in the prompt.
 */
public final class LoopbackApi implements AutoCloseable {

    public enum Dialect { OPENAI, ANTHROPIC }

    /** A scripted reply: status, headers and the raw body. */
    public record Reply(int status, Map<String, String> headers, String body) {
    }

    /** One request as received. */
    public record Received(String path, Map<String, String> headers, JsonNode body) {
    }

    /**
     * The fake model's labelling of sentence {@code i}: "=" or a digit → active_computation, "wait" or "hmm" →
     * uncertainty_management, "answer" → final_answer_emission, the first sentence problem_setup, else
     * plan_generation; each depends on the one before.
     */
    public static final Function<String, String> RULE = text -> {
        String t = text.toLowerCase();
        if (t.contains("wait") || t.contains("hmm")) {
            return "uncertainty_management";
        }
        if (t.contains("answer")) {
            return "final_answer_emission";
        }
        return t.contains("=") || t.matches("(?s).*\\d.*") ? "active_computation" : "plan_generation";
    };

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SENTENCE = Pattern.compile("(?m)^\\[(\\d+)] (.*)$");

    private final Dialect dialect;
    private final String key;
    private final HttpServer server;
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<Received> received = new ArrayList<>();
    private int answersLeftBeforeAuthFailure = Integer.MAX_VALUE;

    public LoopbackApi(Dialect dialect, String key) throws IOException {
        this.dialect = dialect;
        this.key = key;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI baseUrl() {
        String root = "http://127.0.0.1:" + server.getAddress().getPort();
        return URI.create(dialect == Dialect.OPENAI ? root + "/v1" : root);
    }

    public synchronized LoopbackApi then(int status, Map<String, String> headers, String body) {
        script.add(new Reply(status, headers, body));
        return this;
    }

    /** A scripted 200 whose model text is {@code text} in this dialect's envelope. */
    public synchronized LoopbackApi thenAnswer(String text) {
        return then(200, Map.of(), envelope(text));
    }

    /** The key stops being accepted after {@code n} more model answers (a revoked key mid-run). */
    public synchronized void revokeKeyAfter(int n) {
        answersLeftBeforeAuthFailure = n;
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** The rule's answer for {@code sentences}, as JSON text. */
    public static String ruleAnswer(List<String> sentences) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode list = root.putArray("sentences");
        for (int i = 0; i < sentences.size(); i++) {
            ObjectNode e = list.addObject().put("index", i);
            e.putArray("function_tags").add(i == 0 ? "problem_setup" : RULE.apply(sentences.get(i)));
            ArrayNode deps = e.putArray("depends_on");
            if (i > 0) {
                deps.add(i - 1);
            }
        }
        return root.toString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            JsonNode body;
            try {
                body = MAPPER.readTree(raw);
            } catch (IOException e) {
                body = null;
            }
            Reply reply;
            synchronized (this) {
                received.add(new Received(exchange.getRequestURI().getPath(), headers, body));
                reply = reply(exchange, headers, body);
            }
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        }
    }

    private Reply reply(HttpExchange exchange, Map<String, String> headers, JsonNode body) {
        String path = dialect == Dialect.OPENAI ? "/v1/chat/completions" : "/v1/messages";
        if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals(path)) {
            return error(404, "not_found_error", "no route " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getPath());
        }
        String sentKey = dialect == Dialect.OPENAI
                ? headers.getOrDefault("authorization", "").replaceFirst("^Bearer ", "")
                : headers.getOrDefault("x-api-key", "");
        if (!sentKey.equals(key) || answersLeftBeforeAuthFailure <= 0) {
            return error(401, "authentication_error", "Incorrect API key provided: " + sentKey);
        }
        if (dialect == Dialect.ANTHROPIC && !"2023-06-01".equals(headers.get("anthropic-version"))) {
            return error(400, "invalid_request_error", "anthropic-version header is required");
        }
        String problem = requestProblem(body);
        if (problem != null) {
            return error(400, "invalid_request_error", problem);
        }
        if (!script.isEmpty()) {
            Reply r = script.poll();
            if (r.status() == 200) {
                answersLeftBeforeAuthFailure--;
            }
            return r;
        }
        answersLeftBeforeAuthFailure--;
        return new Reply(200, Map.of(), envelope(ruleAnswer(sentencesIn(userText(body)))));
    }

    /** What the real API would refuse with 400, or null. */
    private String requestProblem(JsonNode body) {
        if (body == null || !body.path("model").isTextual() || !body.path("messages").isArray()) {
            return "the body must be JSON with a model and messages";
        }
        if (dialect == Dialect.ANTHROPIC && (!body.path("max_tokens").isInt() || !body.path("system").isTextual())) {
            return "max_tokens is required";
        }
        return userText(body) == null ? "no user message" : null;
    }

    private static String userText(JsonNode body) {
        for (JsonNode m : body.path("messages")) {
            if ("user".equals(m.path("role").asText()) && m.path("content").isTextual()) {
                return m.path("content").asText();
            }
        }
        return null;
    }

    /** The numbered sentences of a labelling prompt. */
    public static List<String> sentencesIn(String prompt) {
        List<String> out = new ArrayList<>();
        Matcher m = SENTENCE.matcher(prompt);
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) != out.size()) {
                throw new IllegalStateException("sentences out of order in the prompt");
            }
            out.add(m.group(2));
        }
        return out;
    }

    private String envelope(String text) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        if (dialect == Dialect.OPENAI) {
            root.put("id", "chatcmpl-loopback").put("object", "chat.completion").put("model", "loopback");
            ObjectNode choice = root.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", text);
        } else {
            root.put("id", "msg_loopback").put("type", "message").put("role", "assistant").put("model", "loopback")
                    .put("stop_reason", "end_turn");
            root.putArray("content").addObject().put("type", "text").put("text", text);
        }
        return root.toString();
    }

    /** The API's error body for {@code status}. */
    public String errorBody(String type, String message) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        if (dialect == Dialect.ANTHROPIC) {
            root.put("type", "error");
        }
        root.putObject("error").put("type", type).put("message", message);
        return root.toString();
    }

    private Reply error(int status, String type, String message) {
        return new Reply(status, Map.of(), errorBody(type, message));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
