package dev.pagelab.bench.jmh;

import java.util.ArrayList;
import java.util.List;

/**
 * The entry point of {@code bench/target/benchmarks.jar}: JMH's own command line, made to fail
 * loudly. Run by a JVM older than the one pagelab needs, this class does not load at all (it is
 * compiled for Java 21), so the JVM stops with an {@link UnsupportedClassVersionError} naming both
 * versions, instead of JMH starting and printing an empty table because every benchmark failed in
 * its fork. And unless the command line says otherwise, {@code -foe true}: a benchmark that throws
 * stops the run with exit status 1.
 *
 * <pre>
 *  ./pagelab jmh                          with the JDK the launcher finds
 *  java -jar bench/target/benchmarks.jar -l    with a JDK 21+ of your choice
 * </pre>
 */
public final class Benchmarks {
    private Benchmarks() {
    }

    /** JMH's main with {@code args}, {@code -foe true} first unless given. */
    public static void main(String[] args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("-foe")) {
            all.addAll(0, List.of("-foe", "true"));
        }
        org.openjdk.jmh.Main.main(all.toArray(String[]::new));
    }
}
