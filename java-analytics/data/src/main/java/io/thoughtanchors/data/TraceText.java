package io.thoughtanchors.data;

import java.util.Objects;

/**
 * A trace's text in its three parts: what the model saw before its chain of thought, the chain of thought, and what
 * followed it. The model text the worker runs on ({@code full_cot} of the published layouts) is
 * {@code prompt + cot + afterCot}; sentences are taken from {@code cot} only.
 *
 * @param prompt   the text before the chain of thought (published: ending with {@code <think>\n}); may be empty
 * @param cot      the chain of thought, without think tags
 * @param afterCot the text after it (published: from {@code </think>} on); may be empty
 */
public record TraceText(String prompt, String cot, String afterCot) {

    public static final String END_OF_THINKING = "</think>";

    public TraceText {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(cot, "cot");
        Objects.requireNonNull(afterCot, "afterCot");
    }

    /** A published base solution's text: its continuation split at the first {@code </think>}. */
    public static TraceText ofSolution(String prompt, String solution) {
        int close = solution.indexOf(END_OF_THINKING);
        return close < 0 ? new TraceText(prompt, solution, "")
                : new TraceText(prompt, solution.substring(0, close), solution.substring(close));
    }

    /** What the worker runs on: prompt, chain of thought and what follows, concatenated. */
    public String modelText() {
        return prompt + cot + afterCot;
    }

    /** The model's continuation of the prompt ({@code solution} of the published layouts). */
    public String solution() {
        return cot + afterCot;
    }

    /** Where the chain of thought starts in the model text. */
    public int cotStart() {
        return prompt.length();
    }
}
