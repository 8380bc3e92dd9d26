package io.thoughtanchors.cli;

import io.thoughtanchors.pipeline.worker.WorkerConnector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    static final WorkerConnector NO_WORKER = ReceiversCommandTest.NO_WORKER;

    @Test
    void helpListsTheCommandsAndExitStatuses() {
        CliRun run = CliRun.of(NO_WORKER, "--help");

        assertEquals(0, run.status());
        assertTrue(run.out().contains("receivers") && run.out().contains("describe"), run.out());
        assertTrue(run.out().contains("4   worker problem"), run.out());
    }

    @Test
    void receiversHelpDocumentsOutputsAndCache() {
        CliRun run = CliRun.of(NO_WORKER, "receivers", "--help");

        assertEquals(0, run.status());
        for (String text : new String[] {"top_heads.csv", "run.json", "<cache>/<model>/<dtype>/", "may be omitted"}) {
            assertTrue(run.out().contains(text), text + " in\n" + run.out());
        }
    }

    @Test
    void missingCommandIsAUsageError() {
        CliRun run = CliRun.of(NO_WORKER);

        assertEquals(2, run.status());
        assertTrue(run.err().contains("missing command"), run.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun run = CliRun.of(NO_WORKER, "receivers", "--bogus");

        assertEquals(2, run.status());
    }
}
