package io.thoughtanchors.worker;

/**
 * Receives a generation's new tokens in order as the worker produces them, on the calling thread. {@code piece} is the
 * text the token completes: "" for a token inside a UTF-8 character (the token completing it carries it) and for an
 * end-of-sequence or stop token; the pieces concatenated are the completion text.
 */
@FunctionalInterface
public interface TokenSink {

    TokenSink NONE = (id, piece) -> { };

    void accept(int id, String piece);

    /** The generation began: the prompt as text (see {@link Generation#promptText()}) and its token count. */
    default void started(String promptText, int promptTokens) {
    }
}
