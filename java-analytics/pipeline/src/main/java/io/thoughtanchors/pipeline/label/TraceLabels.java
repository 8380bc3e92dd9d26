package io.thoughtanchors.pipeline.label;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.thoughtanchors.analysis.text.SentenceSplitter;
import io.thoughtanchors.data.PublishedFolder;
import io.thoughtanchors.data.Trace;
import io.thoughtanchors.data.TraceDocument;
import io.thoughtanchors.data.TraceFile;
import io.thoughtanchors.data.TraceText;
import io.thoughtanchors.pipeline.cache.Json;

import java.util.List;

/**
 * Labels in and out of ta-trace/1 documents ({@link TraceDocument}): a trace of any layout as the document ta label
 * writes, what the labeller is given (the sentences the reader will split from that document's chain of thought),
 * and the document with its labels. Writing is {@link io.thoughtanchors.data.TraceFiles#write}'s.
 */
public final class TraceLabels {

    private TraceLabels() {
    }

    /**
     * The trace as a ta-trace/1 document with its id: a trace file's own document, every field kept (unknown ones
     * too); a published trace's prompt, chain of thought, what followed it, problem and answer.
     */
    public static TraceDocument document(Trace trace) {
        if (trace.source() instanceof TraceFile file) {
            return file.document().withId(trace.id());
        }
        PublishedFolder folder = (PublishedFolder) trace.source();
        TraceText text = trace.text();
        return TraceDocument.of(text.cot()).withId(trace.id()).withProblem(folder.problem().problem())
                .withPrompt(text.prompt()).withAfterCot(text.afterCot()).withAnswer(folder.baseSolution().answer());
    }

    /**
     * What the labeller needs from a document: its problem ("" when it has none) and the sentences of its chain of
     * thought by the project's splitter, the split every analysis and {@link io.thoughtanchors.data.TraceReader} make
     * of it, so that the labels written are read back one per sentence.
     */
    public static LabelInput input(String id, TraceDocument doc) {
        return new LabelInput(id, doc.problem().orElse(""), SentenceSplitter.sentences(doc.cot()));
    }

    /** The document with {@code labels} and {@code labeller} set; every other field as it was. */
    public static TraceDocument withLabels(TraceDocument doc, Labelling labelling) {
        List<TraceDocument.Label> labels = labelling.labels().stream().map(l -> new TraceDocument.Label(
                l.sentenceIndex(), l.text(), l.functionTags().stream().map(Category::wireName).toList(),
                l.dependsOn())).toList();
        ObjectNode labeller = Json.MAPPER.valueToTree(labelling.labeller().toMap());
        return doc.withLabels(labels, labeller);
    }
}
