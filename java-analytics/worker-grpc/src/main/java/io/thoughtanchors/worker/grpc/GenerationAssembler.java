package io.thoughtanchors.worker.grpc;

import io.thoughtanchors.worker.Generation;
import io.thoughtanchors.worker.Generation.StopReason;
import io.thoughtanchors.worker.TokenSink;
import io.thoughtanchors.worker.v1.GenerateFinished;
import io.thoughtanchors.worker.v1.GenerateResponse;
import io.thoughtanchors.worker.v1.GenerateStarted;
import io.thoughtanchors.worker.v1.GeneratedTokens;
import java.util.Arrays;
import java.util.Optional;

/**
 * Checks a Generate stream against the contract (one {@code started}, {@code tokens} messages of matching ids and
 * pieces inside the vocabulary, one {@code finished} counting them) and hands each token to the sink as it arrives.
 */
final class GenerationAssembler {

    private final int vocabSize;
    private final int maxNewTokens;
    private final TokenSink sink;
    private final StringBuilder text = new StringBuilder();
    private GenerateStarted started;
    private Generation result;
    private int[] ids = new int[16];
    private int count;

    GenerationAssembler(int vocabSize, int maxNewTokens, TokenSink sink) {
        this.vocabSize = vocabSize;
        this.maxNewTokens = maxNewTokens;
        this.sink = sink;
    }

    void accept(GenerateResponse reply) {
        if (result != null) {
            throw new ContractViolation("a " + reply.getEventCase() + " message after the finished one");
        }
        if ((reply.getEventCase() == GenerateResponse.EventCase.STARTED) != (started == null)) {
            throw new ContractViolation("a " + reply.getEventCase() + " message " + (started == null ? "before"
                    : "after") + " the started one");
        }
        switch (reply.getEventCase()) {
            case STARTED -> {
                started = reply.getStarted();
                sink.started(started.getPromptText(), started.getPromptTokens());
            }
            case TOKENS -> tokens(reply.getTokens());
            case FINISHED -> result = finished(reply.getFinished());
            default -> throw new ContractViolation("a message without an event");
        }
    }

    private void tokens(GeneratedTokens t) {
        if (t.getIdsCount() == 0 || t.getIdsCount() != t.getPiecesCount()) {
            throw new ContractViolation(t.getIdsCount() + " ids with " + t.getPiecesCount() + " pieces");
        }
        if (count + t.getIdsCount() > maxNewTokens) {
            throw new ContractViolation("more than the " + maxNewTokens + " new tokens asked for");
        }
        for (int i = 0; i < t.getIdsCount(); i++) {
            int id = t.getIds(i);
            if (id < 0 || id >= vocabSize) {
                throw new ContractViolation("token id " + id + " outside the vocabulary of " + vocabSize);
            }
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, 2 * count);
            }
            ids[count++] = id;
            text.append(t.getPieces(i));
            sink.accept(id, t.getPieces(i));
        }
    }

    private Generation finished(GenerateFinished f) {
        if (f.getNewTokens() != count) {
            throw new ContractViolation("finished with " + f.getNewTokens() + " new tokens after " + count);
        }
        StopReason reason = switch (f.getStopReason()) {
            case EOS -> StopReason.EOS;
            case STOP_TOKEN -> StopReason.STOP_TOKEN;
            case STOP_STRING -> StopReason.STOP_STRING;
            case MAX_NEW_TOKENS -> StopReason.MAX_NEW_TOKENS;
            default -> throw new ContractViolation("finished without a stop reason (" + f.getStopReason() + ")");
        };
        if ((reason == StopReason.STOP_STRING) == f.getStopString().isEmpty()) {
            throw new ContractViolation("stop reason " + reason + " with stop string \"" + f.getStopString() + "\"");
        }
        Optional<String> stopString = f.getStopString().isEmpty() ? Optional.empty() : Optional.of(f.getStopString());
        return new Generation(started.getPromptText(), started.getPromptTokens(), Arrays.copyOf(ids, count),
                text.toString(), reason, stopString);
    }

    /** The result, once the stream has ended. */
    Generation finish() {
        if (result == null) {
            throw new ContractViolation("the stream ended without a finished message (" + count + " tokens)");
        }
        return result;
    }
}
