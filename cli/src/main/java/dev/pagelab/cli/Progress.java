package dev.pagelab.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr (the {@code progressbar} library) for work that takes more than a
 * second, and only when stderr is a terminal: the launcher says so in {@code PAGELAB_STDERR_TTY}
 * (Java cannot tell for stderr alone). Output redirected to a file or a pipe never gets one, nor
 * does a run with {@code --quiet}.
 */
final class Progress implements AutoCloseable {
    private static final long DELAY_NANOS = 1_000_000_000L;

    private final boolean enabled;
    private final String task;
    private final String unit;
    private final long started = System.nanoTime();
    private ProgressBar bar;

    private Progress(boolean enabled, String task, String unit) {
        this.enabled = enabled;
        this.task = task;
        this.unit = unit;
    }

    /** A progress reporter: a bar after a second, when stderr is a terminal and not {@code quiet}. */
    static Progress start(boolean quiet, String task, String unit) {
        return new Progress(!quiet && stderrIsTerminal(), task, unit);
    }

    static boolean stderrIsTerminal() {
        return "1".equals(System.getenv("PAGELAB_STDERR_TTY"));
    }

    /** {@code done} units of work are done. */
    void update(long done) {
        if (!enabled) {
            return;
        }
        if (bar == null) {
            if (System.nanoTime() - started < DELAY_NANOS) {
                return;
            }
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(-1)
                    .setUnit(" M " + unit, 1_000_000)
                    .showSpeed()
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .build();
        }
        bar.stepTo(done);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
