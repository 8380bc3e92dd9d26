package io.thoughtanchors.pipeline.label;

import io.thoughtanchors.pipeline.FakeModelWorker;
import io.thoughtanchors.worker.GenerateQuery;
import io.thoughtanchors.worker.ModelInfo;
import io.thoughtanchors.worker.ModelInput;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The offline backend over an in-process worker that streams a given completion token by token. */
class WorkerChatBackendTest {

    static final LabelInput INPUT = HttpBackendsTest.INPUT;

    /** An in-process worker with a chat template, writing {@code answer} in pieces of 7 characters. */
    static FakeModelWorker chatWorker(String answer, boolean chatTemplate) {
        FakeModelWorker fake = new FakeModelWorker(2, 2) {
            @Override
            public ModelInfo describe() {
                ModelInfo m = super.describe();
                Set<String> caps = new HashSet<>(m.capabilities());
                if (chatTemplate) {
                    caps.add(GenerateQuery.CHAT_TEMPLATE);
                }
                return new ModelInfo(m.modelId(), m.architecture(), m.numLayers(), m.numQueryHeads(),
                        m.numKvHeads(), m.kvHeadOfQueryHead(), m.headDim(), m.vocabSize(), m.bosTokenId(),
                        m.dtype(), m.attentionImplementation(), m.devices(), m.maxTokens(), m.workerVersion(),
                        m.contractVersion(), caps, m.syntheticWeights(), m.notes(), m.maxChunkBytes());
            }
        };
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < answer.length(); i += 7) {
            pieces.add(answer.substring(i, Math.min(answer.length(), i + 7)));
        }
        fake.completion = pieces;
        return fake;
    }

    @Test
    void theWorkersModelLabelsGreedilyUnderItsChatTemplate() throws Exception {
        String answer = LoopbackApi.ruleAnswer(INPUT.sentences());
        FakeModelWorker worker = chatWorker(answer, true);
        SentenceLabeller labeller = new SentenceLabeller(new WorkerChatBackend(worker, 4096), Optional.empty(), 1,
                w -> { });
        Labelling l = labeller.label(INPUT);

        assertEquals(LabelResponseParser.parse(answer, INPUT), l.labels());
        assertEquals(new Labeller("worker", FakeModelWorker.MODEL_ID, LabelPrompt.VERSION), l.labeller());
        GenerateQuery asked = worker.generateQueries.remove();
        assertTrue(asked.applyChatTemplate());
        assertEquals(0f, asked.temperature(), "greedy: the same worker gives the same labels");
        String message = ((ModelInput.Text) asked.input()).text();
        LabelPrompt.Messages prompt = LabelPrompt.render(INPUT);
        assertEquals(prompt.system() + "\n\n" + prompt.user(), message);
        assertEquals(INPUT.sentences(), LoopbackApi.sentencesIn(message));
    }

    @Test
    void anAnswerCutAtTheTokenLimitIsInvalidAndAskedAgain() throws Exception {
        String answer = LoopbackApi.ruleAnswer(INPUT.sentences());
        FakeModelWorker worker = chatWorker(answer, true);
        SentenceLabeller labeller = new SentenceLabeller(new WorkerChatBackend(worker, 5), Optional.empty(), 2,
                w -> { });
        LabelException e = assertThrows(LabelException.class, () -> labeller.label(INPUT));
        assertEquals(LabelException.Kind.BAD_RESPONSE, e.kind());
        assertTrue(e.getMessage().contains("cut at 5 new tokens"), e.getMessage());
        assertEquals(2, worker.generateQueries.size());
    }

    @Test
    void aModelWithoutAChatTemplateIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new WorkerChatBackend(chatWorker("{}", false), 4096));
        assertTrue(e.getMessage().contains(GenerateQuery.CHAT_TEMPLATE) && e.getMessage().contains(
                FakeModelWorker.MODEL_ID), e.getMessage());
    }
}
