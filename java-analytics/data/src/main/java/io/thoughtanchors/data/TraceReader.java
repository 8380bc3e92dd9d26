package io.thoughtanchors.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads whatever {@code --data} points at, telling the layout by what the path is:
 * <ul>
 *   <li>a folder: a published tree, web ({@code <model>/<type>/problem_<id>/}) or math-rollouts
 *       ({@code <model>/temperature_<t>_top_p_<p>/<type>/problem_<id>/}), from a single problem folder up to a root
 *       of model folders;</li>
 *   <li>a {@code .txt} file: a plain chain of thought (the prompt from {@link DataOptions#promptFile});</li>
 *   <li>a {@code .json} / {@code .jsonl} file: one / many traces of the project's own format
 *       ({@link TraceDocument}).</li>
 * </ul>
 * Every problem is a {@link TraceFormatException} naming the file (and line) at fault; what is left out on purpose
 * (forced-answer folders, a step-attribution tree inside the tree, defective resampled rollouts) is a warning.
 */
public final class TraceReader {

    private TraceReader() {
    }

    /**
     * @param split the project's sentence splitter, which gives a chain of thought of one's own its sentences
     */
    public static TraceSet read(Path data, DataOptions options, SentenceSplit split) {
        List<String> warnings = new ArrayList<>();
        List<Trace> traces;
        if (Files.isDirectory(data)) {
            if (options.promptFile().isPresent()) {
                throw new TraceFormatException(options.promptFile().get(), "a prompt file goes with a .txt chain of"
                        + " thought; " + data + " is a folder of published traces, which hold their prompts");
            }
            traces = PublishedFolders.read(data, options, warnings);
        } else if (Files.isRegularFile(data)) {
            if (options.stepAttribution().isPresent()) {
                throw new TraceFormatException(options.stepAttribution().get(), "a step-attribution tree goes with a"
                        + " published tree of problem folders, not with the trace file " + data);
            }
            DataLayout layout = TraceFiles.layoutOf(data).orElse(DataLayout.TEXT);
            traces = TraceFiles.traces(TraceFiles.read(data, options.promptFile()), layout, split, options.storedLabels());
        } else {
            throw new TraceFormatException(data, "no such file or folder");
        }
        return new TraceSet(traces, warnings);
    }

    /** {@link #read} with the default options: base solution folders only, no prompt file, rollouts counted. */
    public static TraceSet read(Path data, SentenceSplit split) {
        return read(data, DataOptions.defaults(), split);
    }
}
