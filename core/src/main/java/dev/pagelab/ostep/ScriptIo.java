package dev.pagelab.ostep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Where a simulator prints, and what it may read: the script's stdout (a {@link Writer}; lines
 * end in {@code \n} whatever the platform), the environment it runs in.
 */
final class ScriptIo {
    private final Writer out;
    private final OstepEnvironment environment;

    ScriptIo(Writer out, OstepEnvironment environment) {
        this.out = out;
        this.environment = environment;
    }

    OstepEnvironment environment() {
        return environment;
    }

    /** {@code print(text)}: the text and a newline. */
    void println(String text) {
        print(text);
        print("\n");
    }

    /** {@code print(text, end='')}. */
    void print(String text) {
        try {
            out.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code print(a, b, ...)}: the values' {@code str} joined by single spaces, and a newline. */
    void printValues(Object... values) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append(' ');
            }
            Object v = values[i];
            line.append(v instanceof Boolean b ? Py.bool(b) : String.valueOf(v));
        }
        println(line.toString());
    }
}
