package io.thoughtanchors.pipeline.label;

import io.thoughtanchors.pipeline.label.LoopbackApi.Dialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelCacheTest {

    static final String KEY = HttpBackendsTest.KEY;
    static final LabelInput INPUT = HttpBackendsTest.INPUT;

    @TempDir
    Path tmp;

    final List<String> warnings = new ArrayList<>();

    SentenceLabeller labeller(LoopbackApi api, String model) {
        ApiSettings settings = ApiSettings.of(api.baseUrl(), model, Optional.of(ApiKey.of(KEY)));
        return new SentenceLabeller(new OpenAiChatBackend(settings, false), Optional.of(new LabelCache(tmp)), 3,
                warnings::add);
    }

    @Test
    void aRerunAsksNothingAndGivesTheSameLabels() throws Exception {
        try (LoopbackApi api = new LoopbackApi(Dialect.OPENAI, KEY)) {
            Labelling first = labeller(api, "m1").label(INPUT);
            Labelling again = labeller(api, "m1").label(INPUT);
            assertEquals(1, api.received().size());
            assertFalse(first.cached());
            assertTrue(again.cached());
            assertEquals(0, again.answers());
            assertEquals(first.labels(), again.labels());
            assertTrue(warnings.isEmpty());
        }
    }

    @Test
    void anotherModelSentenceListOrProblemIsAnotherEntry() throws Exception {
        try (LoopbackApi api = new LoopbackApi(Dialect.OPENAI, KEY)) {
            labeller(api, "m1").label(INPUT);
            labeller(api, "m2").label(INPUT);
            List<String> fewer = INPUT.sentences().subList(0, 4);
            labeller(api, "m1").label(new LabelInput("t", INPUT.problem(), fewer));
            labeller(api, "m1").label(new LabelInput("t", "another problem", INPUT.sentences()));
            assertEquals(4, api.received().size());
            Labeller a = new Labeller("openai", "m1", LabelPrompt.VERSION);
            Labeller b = new Labeller("openai", "m1", "ta-label/0");
            assertNotEquals(LabelCache.key(INPUT, a), LabelCache.key(INPUT, b));
            // the id only names the trace: the same text under another name is the same entry
            labeller(api, "m1").label(new LabelInput("renamed", INPUT.problem(), INPUT.sentences()));
            assertEquals(4, api.received().size());
        }
    }

    @Test
    void aDamagedEntryIsReportedAndRelabelledNeverUsed() throws Exception {
        try (LoopbackApi api = new LoopbackApi(Dialect.OPENAI, KEY)) {
            SentenceLabeller labeller = labeller(api, "m1");
            Labelling first = labeller.label(INPUT);
            Path entry = new LabelCache(tmp).file(INPUT, labeller.labeller());
            String text = Files.readString(entry);
            // a category changed inside the file: still valid JSON and valid labels, but not what was stored
            Files.writeString(entry, text.replaceFirst("active_computation", "fact_retrieval"));
            Labelling relabelled = labeller.label(INPUT);
            assertEquals(2, api.received().size());
            assertFalse(relabelled.cached());
            assertEquals(first.labels(), relabelled.labels());
            assertEquals(1, warnings.size());
            assertTrue(warnings.get(0).contains("damaged") && warnings.get(0).contains("checksum"), warnings.get(0));
            // and the entry is whole again
            assertTrue(labeller.label(INPUT).cached());
            Files.writeString(entry, text.substring(0, text.length() / 2));
            assertFalse(labeller.label(INPUT).cached());
            assertEquals(3, api.received().size());
            assertEquals(2, warnings.size());
        }
    }
}
