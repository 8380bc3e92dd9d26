package io.thoughtanchors.data;

import java.util.List;

/**
 * What {@link TraceReader#read} found: the traces in their order (published trees: model, correct before incorrect,
 * problem id; trace files: file order) and what it left out or found wanting, one line each.
 */
public record TraceSet(List<Trace> traces, List<String> warnings) {
    public TraceSet {
        traces = List.copyOf(traces);
        warnings = List.copyOf(warnings);
    }
}
