package dev.pagelab.cli.sweep;

import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.trace.TraceOptions;
import dev.pagelab.trace.TraceReader;
import dev.pagelab.trace.Traces;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/** Small traces for the sweep's tests, written as the files a user would give. */
final class SweepFixtures {
    /** Belady's string: FIFO makes 9 faults with 3 frames and 10 with 4. */
    static final String BELADY = "1\n2\n3\n4\n1\n2\n5\n1\n2\n3\n4\n5\n";

    private SweepFixtures() {
    }

    static RandomGenerator random(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    /**
     * A vmsim trace ({@code ADDRESS R|W}) of {@code references} references over {@code pages}
     * pages with locality: mostly near the last page, sometimes anywhere.
     */
    static String vmsim(RandomGenerator random, int references, int pages, double writeShare) {
        StringBuilder text = new StringBuilder();
        int page = 0;
        for (int i = 0; i < references; i++) {
            page = random.nextDouble() < 0.8 ? Math.floorMod(page + random.nextInt(-3, 4), pages)
                    : random.nextInt(pages);
            text.append(Long.toHexString((long) page * 4096)).append(random.nextDouble() < writeShare ? " W\n" : " R\n");
        }
        return text.toString();
    }

    static Path write(Path dir, String name, String text) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The interleaved stream of the texts (one a process), as the engine reads files. */
    static ReferenceStream stream(long quantum, String... texts) throws IOException {
        List<TraceReader> readers = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            readers.add(Traces.open("t" + i, new ByteArrayInputStream(texts[i].getBytes(StandardCharsets.US_ASCII)),
                    TraceOptions.DEFAULTS));
        }
        try {
            return ReferenceStream.load(readers, quantum);
        } finally {
            Traces.closeAll(readers);
        }
    }
}
