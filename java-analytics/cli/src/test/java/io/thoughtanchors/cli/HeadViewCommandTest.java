package io.thoughtanchors.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.thoughtanchors.pipeline.worker.WorkerConnector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ta head-view}'s options: what is refused before any worker is reached, and with which status. */
class HeadViewCommandTest {

    static final WorkerConnector NO_WORKER = ReceiversCommandTest.NO_WORKER;

    @TempDir
    Path tmp;

    @Test
    void headsAreOneFormOrTheOtherAndWellFormed() {
        String out = tmp.resolve("v.html").toString();
        for (String[] heads : new String[][] {{"--heads", "1:0", "--layer", "1", "--head", "0"}, {"--layer", "1"},
                {"--head", "0"}, {"--heads", "1-0"}, {}}) {
            String[] args = new String[heads.length + 7];
            System.arraycopy(new String[] {"head-view", "--text", "a b", "--worker", "w:1", "--out", out}, 0, args, 0, 7);
            System.arraycopy(heads, 0, args, 7, heads.length);
            CliRun run = CliRun.of(NO_WORKER, args);
            assertEquals(2, run.status(), run.transcript());
            assertEquals(1, run.err().strip().lines().count(), run.transcript());
        }
        CliRun noWorker = CliRun.of(NO_WORKER, "head-view", "--text", "a b", "--heads", "0:0", "--out", out);
        assertEquals(2, noWorker.status(), noWorker.transcript());
        assertTrue(noWorker.err().contains("--worker"), noWorker.transcript());
        assertEquals(2, CliRun.of(NO_WORKER, "head-view", "--heads", "0:0", "--out", out).status(), "no text");
    }

    @Test
    void aTextFileThatIsNotUtf8IsBadInput() throws IOException {
        Path file = Files.write(tmp.resolve("t.txt"), new byte[] {'a', (byte) 0xff, 'b'});
        CliRun run = CliRun.of(NO_WORKER, "head-view", "--text-file", file.toString(), "--heads", "0:0",
                "--worker", "w:1", "--out", tmp.resolve("v.html").toString());
        assertEquals(3, run.status(), run.transcript());
        assertTrue(run.err().contains("--text-file") && run.err().contains("not UTF-8"), run.transcript());
    }
}
