package io.thoughtanchors.pipeline.label;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelResponseParserTest {

    static final LabelInput THREE = new LabelInput("t", "What is 2+3?",
            List.of("I need to add two numbers.", "2 + 3 = 5.", "So the answer is 5."));

    static String answer(String second) {
        return "{\"sentences\": [{\"index\": 0, \"function_tags\": [\"problem_setup\"], \"depends_on\": []},"
                + second + ","
                + "{\"index\": 2, \"function_tags\": [\"final_answer_emission\"], \"depends_on\": [1]}]}";
    }

    static final String GOOD_SECOND =
            "{\"index\": 1, \"function_tags\": [\"active_computation\", \"fact_retrieval\"], \"depends_on\": [0]}";

    @Test
    void parsesEverySentenceWithItsTextCategoriesAndDependencies() throws Exception {
        List<SentenceLabel> labels = LabelResponseParser.parse(answer(GOOD_SECOND), THREE);
        assertEquals(3, labels.size());
        assertEquals(List.of(Category.ACTIVE_COMPUTATION, Category.FACT_RETRIEVAL), labels.get(1).functionTags());
        assertEquals(Category.ACTIVE_COMPUTATION, labels.get(1).primary());
        assertEquals(List.of(1), labels.get(2).dependsOn());
        assertEquals("2 + 3 = 5.", labels.get(1).text());
        assertEquals(2, labels.get(2).sentenceIndex());
    }

    @Test
    void acceptsOneCodeFenceAroundTheJson() throws Exception {
        String fenced = "```json\n" + answer(GOOD_SECOND) + "\n```";
        assertEquals(LabelResponseParser.parse(answer(GOOD_SECOND), THREE), LabelResponseParser.parse(fenced, THREE));
    }

    @Test
    void refusesAnUnknownCategoryNamingIt() {
        String bad = GOOD_SECOND.replace("fact_retrieval", "arithmetic");
        InvalidLabelsException e = assertThrows(InvalidLabelsException.class,
                () -> LabelResponseParser.parse(answer(bad), THREE));
        assertTrue(e.getMessage().contains("sentence 1") && e.getMessage().contains("arithmetic"), e.getMessage());
    }

    @Test
    void refusesWhatTheSchemaAndItsRulesForbid() {
        List<String> wrong = List.of(
                "not json at all",
                answer(GOOD_SECOND) + " trailing",
                answer(GOOD_SECOND).replace("]}]}", "]}]").substring(0, 40),
                "[1, 2, 3]",
                "{\"sentences\": []}",
                answer(GOOD_SECOND).replace("\"index\": 1", "\"index\": 2"),
                answer(GOOD_SECOND).replace("\"depends_on\": [0]", "\"depends_on\": [1]"),
                answer(GOOD_SECOND).replace("\"depends_on\": [0]", "\"depends_on\": [0, 0]"),
                answer(GOOD_SECOND).replace("\"depends_on\": [0]", "\"depends_on\": [\"0\"]"),
                answer(GOOD_SECOND).replace("\"active_computation\", \"fact_retrieval\"", ""),
                answer(GOOD_SECOND).replace("\"fact_retrieval\"", "\"active_computation\""),
                answer(GOOD_SECOND).replace("\"depends_on\": [0]}", "\"depends_on\": [0], \"why\": \"x\"}"),
                answer(GOOD_SECOND).replace("{\"sentences\"", "{\"note\": 1, \"sentences\""),
                answer(GOOD_SECOND).replace("\"index\": 1,", "\"index\": 1, \"index\": 1,"),
                answer(GOOD_SECOND).replace("\"function_tags\": [\"problem_setup\"]", "\"function_tags\": \"problem_setup\""));
        for (String answer : wrong) {
            assertThrows(InvalidLabelsException.class, () -> LabelResponseParser.parse(answer, THREE), answer);
        }
    }

    @Test
    void theSchemaNamesEveryCategoryAndForbidsOtherFields() {
        var schema = LabelPrompt.responseSchema();
        var entry = schema.path("properties").path("sentences").path("items");
        assertEquals(Category.values().length, entry.path("properties").path("function_tags").path("items")
                .path("enum").size());
        assertEquals(false, schema.path("additionalProperties").asBoolean(true));
        assertEquals(false, entry.path("additionalProperties").asBoolean(true));
        assertEquals(3, entry.path("required").size());
    }

    @Test
    void thePromptDefinesEveryCategoryAndNumbersEverySentenceInOrder() {
        LabelPrompt.Messages m = LabelPrompt.render(THREE);
        for (Category c : Category.values()) {
            assertTrue(m.system().contains(c.wireName() + ": " + c.definition()), c.wireName());
        }
        assertEquals(THREE.sentences(), LoopbackApi.sentencesIn(m.user()));
        assertTrue(m.user().contains("What is 2+3?"));
    }
}
