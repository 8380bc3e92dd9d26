package io.thoughtanchors.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether the process's stderr is a terminal, so that progress bars go to a terminal only and never into a piped or
 * redirected stderr. Java 17 has no {@code Console.isTerminal()}, and {@code System.console()} answers for stdin and
 * stdout, not stderr, so the operating system is asked about file descriptor 2.
 */
final class Terminal {

    private Terminal() {
    }

    static boolean stderrIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(fd2)) {
            // Linux: a terminal is a pseudo-terminal, a virtual console or a serial line; a pipe reads "pipe:[…]"
            try {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (IOException e) {
                return false;
            }
        }
        return testT2();
    }

    /** Elsewhere (macOS, the BSDs): POSIX {@code test -t 2} in a shell that inherits this stderr. */
    private static boolean testT2() {
        if (!Files.isExecutable(Path.of("/bin/sh"))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", "test -t 2").redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
