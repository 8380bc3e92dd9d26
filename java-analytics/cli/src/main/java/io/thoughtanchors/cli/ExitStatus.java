package io.thoughtanchors.cli;

/** Exit statuses of every {@code ta} command (listed in each command's help). */
enum ExitStatus {
    SUCCESS(0),
    /** A bug: anything not classified below. */
    INTERNAL(1),
    /** Wrong or missing options (Picocli's own code for parameter errors). */
    USAGE(2),
    /** Missing data folder, malformed or missing JSON, a sentence not found in its text. */
    BAD_INPUT(3),
    /** Worker unreachable, serving another model, breaking the contract, or dying mid-run. */
    WORKER(4),
    /** Output folder exists without --force, or a result or cache file cannot be written. */
    OUTPUT(5);

    final int code;

    ExitStatus(int code) {
        this.code = code;
    }
}
