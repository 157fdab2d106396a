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
    private final long total;
    private final long started = System.nanoTime();
    private ProgressBar bar;

    private Progress(boolean enabled, String task, String unit, long total) {
        this.enabled = enabled;
        this.task = task;
        this.unit = unit;
        this.total = total;
    }

    /**
     * A progress reporter of work of unknown size, in millions of {@code unit}: a bar after a
     * second, when stderr is a terminal and not {@code quiet}.
     */
    static Progress start(boolean quiet, String task, String unit) {
        return new Progress(!quiet && stderrIsTerminal(), task, unit, -1);
    }

    /**
     * A progress reporter of {@code total} units of work counted one by one ({@code cells}), with
     * the time left; the same conditions as {@link #start}.
     */
    static Progress counting(boolean quiet, String task, String unit, long total) {
        return new Progress(!quiet && stderrIsTerminal(), task, unit, total);
    }

    static boolean stderrIsTerminal() {
        return "1".equals(System.getenv("PAGELAB_STDERR_TTY"));
    }

    /** {@code done} units of work are done. */
    void update(long done) {
        update(done, null);
    }

    /** {@code done} units of work are done; {@code message} (or null) follows the bar. */
    void update(long done, String message) {
        if (!enabled) {
            return;
        }
        if (bar == null) {
            if (System.nanoTime() - started < DELAY_NANOS) {
                return;
            }
            ProgressBarBuilder builder = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err));
            if (total < 0) {
                builder.setInitialMax(-1).setUnit(" M " + unit, 1_000_000).showSpeed();
            } else {
                builder.setInitialMax(total).setUnit(" " + unit, 1);
            }
            bar = builder.build();
        }
        bar.stepTo(done);
        if (message != null) {
            bar.setExtraMessage(message);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
