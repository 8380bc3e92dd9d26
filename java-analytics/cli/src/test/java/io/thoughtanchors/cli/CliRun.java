package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.worker.WorkerConnector;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process {@code ta} invocation: exit status and what it printed. */
record CliRun(int status, String out, String err) {

    static CliRun of(WorkerConnector workers, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(workers);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        return new CliRun(status, out.toString(), err.toString());
    }

    /** For assertion messages: everything the run printed. */
    String transcript() {
        return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
