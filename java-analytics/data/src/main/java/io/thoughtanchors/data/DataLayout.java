package io.thoughtanchors.data;

/** The input layouts {@code --data} accepts (docs/data-formats.md describes each). */
public enum DataLayout {
    /** The paper's web interface: {@code <model>/<correct|incorrect>_base_solution/problem_<id>/}. */
    WEB("web"),
    /**
     * The rollouts dataset: {@code <model>/temperature_<t>_top_p_<p>/<correct|incorrect>_base_solution[_…]/problem_<id>/}
     * with {@code chunks.json}.
     */
    MATH_ROLLOUTS("math-rollouts"),
    /** One trace of the project's own format in a {@code .json} file. */
    TRACE_JSON("trace-json"),
    /** Traces of the project's own format, one per line of a {@code .jsonl} file. */
    TRACE_JSONL("trace-jsonl"),
    /** A plain-text chain of thought ({@code .txt}). */
    TEXT("text");

    private final String label;

    DataLayout(String label) {
        this.label = label;
    }

    /** How run.json and messages name the layout. */
    public String label() {
        return label;
    }
}
