/**
 * Labelling a chain of thought's sentences into the paper's function categories (the eight of Figure 5 and
 * {@code unknown}) with the earlier sentences each one depends on, by a language model behind a {@link
 * io.thoughtanchors.pipeline.label.LabelBackend}.
 *
 * <p>{@link io.thoughtanchors.pipeline.label.SentenceLabeller} renders the versioned {@link
 * io.thoughtanchors.pipeline.label.LabelPrompt}, asks the backend, parses the answer strictly ({@link
 * io.thoughtanchors.pipeline.label.LabelResponseParser}) and keeps it in a checksummed {@link
 * io.thoughtanchors.pipeline.label.LabelCache}, so a rerun asks nothing. Backends: {@link
 * io.thoughtanchors.pipeline.label.OpenAiChatBackend} (any OpenAI-compatible chat-completions endpoint) and {@link
 * io.thoughtanchors.pipeline.label.AnthropicMessagesBackend}, both over {@link
 * io.thoughtanchors.pipeline.label.HttpJsonClient} (retries with backoff on rate limits and server errors); offline,
 * {@link io.thoughtanchors.pipeline.label.WorkerChatBackend} asks the worker's own model (Generate, chat template).
 * {@link io.thoughtanchors.pipeline.label.TraceLabels} turns a trace of any layout into a ta-trace/1 document and the
 * labels into its {@code labels} field, which {@code io.thoughtanchors.data.TraceReader} reads back.
 */
package io.thoughtanchors.pipeline.label;
