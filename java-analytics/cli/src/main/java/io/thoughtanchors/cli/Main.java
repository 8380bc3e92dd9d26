package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.Pipeline;
import io.thoughtanchors.pipeline.worker.WorkerConnector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The {@code ta} command: white-box analyses of the Thought Anchors paper, forward passes by a model worker. */
@Command(name = "ta",
        description = "White-box analyses of \"Thought Anchors\" (receiver heads, attention suppression). A model"
                + " worker does the forward passes; this program does the analysis.",
        commandListHeading = "%nCommands:%n")
public final class Main implements Runnable {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: " + String.join(" or ",
                spec.subcommands().keySet()));
    }

    public static void main(String... args) {
        // Only the unsafe allocator is bundled; naming it stops Arrow probing for netty first.
        if (System.getProperty("arrow.allocation.manager.type") == null) {
            System.setProperty("arrow.allocation.manager.type", "Unsafe");
        }
        System.exit(commandLine(WorkerConnector.GRPC).execute(args));
    }

    /** The command tree with its failure handling; {@code workers} is how commands reach a worker. */
    static CommandLine commandLine(WorkerConnector workers) {
        FailureHandler failures = new FailureHandler();
        return new CommandLine(new Main())
                .addSubcommand(new ReceiversCommand(workers))
                .addSubcommand(new SuppressionMatrixCommand(workers))
                .addSubcommand(new SuppressCheckCommand(workers))
                .addSubcommand(new ReportCommand(workers))
                .addSubcommand(new SummaryCommand(workers))
                .addSubcommand(new GenerateCommand(workers))
                .addSubcommand(new DescribeCommand(workers))
                .addSubcommand(new LabelCommand(workers))
                .addSubcommand(new HeadViewCommand(workers))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(failures)
                .setParameterExceptionHandler(failures);
    }

    /**
     * The pipeline a command runs: its workers, warnings on the command's stderr, and progress bars unless
     * {@code --no-progress} or stderr is not a terminal (a bar in a piped stderr or a log file is noise).
     */
    static Pipeline pipeline(WorkerConnector workers, CommandSpec command, boolean progressBars) {
        return Pipeline.create().withConnector(workers).withListener(new TerminalListener(
                command.commandLine().getErr(), progressBars && Terminal.stderrIsTerminal()));
    }
}
