package dev.pagelab.proc;

import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.replace.PolicyRegistry;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Thrashing, and load control stopping it: N synthetic programs run on the kernel's processes,
 * sharing one CPU and one paging disk in simulated time, and the CPU's utilisation is measured
 * against N, the degree of multiprogramming (Denning, "Thrashing: its causes and prevention",
 * AFIPS FJCC 1968; Silberschatz §10.6).
 *
 * <h2>The programs</h2>
 * Each process has one read-write region of {@link Workload#pages} pages. A reference falls, with
 * probability {@link Workload#locality}, on its current locality, {@link Workload#workingSet}
 * consecutive pages (wrapping round the region), and otherwise anywhere in the region; the
 * locality moves on by half its width every {@link Workload#phase} references of the process; a
 * share {@link Workload#writes} of the references are writes. Every process has its own seeded
 * generator, so a run is repeatable.
 *
 * <h2>The machine's time</h2>
 * <ul>
 *   <li>Round-robin turns of {@link Timing#quantum} references among the processes that are
 *       ready (not waiting for the disk, not suspended); a reference takes
 *       {@link Timing#referenceNanos} of CPU.</li>
 *   <li>A fault completes its reference, then blocks the process for a disk transfer
 *       ({@link Timing#transferNanos}: the page is read from the program's file or from swap —
 *       the kernel's zero-fill of a first touch is not a shortcut a real program's pages have),
 *       plus a second transfer when the victim was written back. The disk serves one transfer at
 *       a time, first come first served: with many processes faulting, they queue.</li>
 *   <li>When no process is ready the CPU idles until the first one is. Utilisation = CPU busy /
 *       elapsed time.</li>
 * </ul>
 * With global replacement and no load control, more processes keep the CPU busier while their
 * localities fit the frames; past that, every process steals from the others, the fault rate
 * explodes, processes wait in the disk queue and utilisation collapses: thrashing. With a
 * variable-allocation policy and load control ({@link ProcessConfig#loadControl}), the kernel
 * suspends a process when the working sets no longer fit and resumes it when they do
 * ({@link Processes#resumeWhenRoom}, called at every turn), and utilisation stays up.
 */
public final class Multiprogramming {
    private Multiprogramming() {
    }

    /**
     * The synthetic programs.
     *
     * @param pages      pages of each program's region
     * @param workingSet pages of its locality
     * @param locality   the share of references that fall on the locality, 0 to 1
     * @param phase      references of a process between two moves of its locality
     * @param writes     the share of references that are writes, 0 to 1
     * @param seed       the first process's generator's seed (process i: seed + i)
     */
    public record Workload(int pages, int workingSet, double locality, long phase, double writes, long seed) {
        /** 1,024 pages, a locality of 32 moving every 50,000 references, 99.99 % local, 30 % writes. */
        public static final Workload DEFAULT = new Workload(1024, 32, 0.9999, 50_000, 0.3, 1);

        public Workload {
            if (pages < 1 || workingSet < 1 || workingSet > pages) {
                throw new IllegalArgumentException("a program needs at least 1 page and a locality of 1 to its "
                        + pages + " pages, not " + workingSet);
            }
            if (!(locality >= 0 && locality <= 1) || !(writes >= 0 && writes <= 1)) {
                throw new IllegalArgumentException("locality and writes are shares from 0 to 1, not " + locality
                        + " and " + writes);
            }
            if (phase < 1) {
                throw new IllegalArgumentException("a phase lasts at least 1 reference, not " + phase);
            }
        }
    }

    /**
     * The machine's speeds.
     *
     * @param referenceNanos CPU time of one reference
     * @param transferNanos  one page transfer to or from the disk
     * @param quantum        references a turn
     */
    public record Timing(long referenceNanos, long transferNanos, long quantum) {
        /** 1 µs a reference (an instruction and its memory access), 1 ms a transfer, 10,000 references a turn. */
        public static final Timing DEFAULT = new Timing(1_000, 1_000_000, 10_000);

        public Timing {
            if (referenceNanos < 1 || transferNanos < 0 || quantum < 1) {
                throw new IllegalArgumentException("a reference takes at least 1 ns, a transfer at least 0 and a turn at"
                        + " least 1 reference, not " + referenceNanos + ", " + transferNanos + ", " + quantum);
            }
        }
    }

    /**
     * One run.
     *
     * @param processes   N, the degree of multiprogramming
     * @param references  references completed (all processes)
     * @param faults      page faults
     * @param pageOuts    write-backs
     * @param suspensions processes suspended by load control
     * @param elapsedNanos simulated time
     * @param cpuNanos    CPU busy time
     * @param diskNanos   disk busy time
     */
    public record Result(int processes, long references, long faults, long pageOuts, long suspensions,
                         long elapsedNanos, long cpuNanos, long diskNanos) {
        /** Faults per reference. */
        public double faultRate() {
            return references == 0 ? 0 : (double) faults / references;
        }

        /** CPU busy time over elapsed time, 0 to 1. */
        public double cpuUtilisation() {
            return elapsedNanos == 0 ? 0 : (double) cpuNanos / elapsedNanos;
        }

        /** Disk busy time over elapsed time, 0 to 1. */
        public double diskUtilisation() {
            return elapsedNanos == 0 ? 0 : (double) diskNanos / elapsedNanos;
        }
    }

    /**
     * Runs {@code processes} programs on a freshly booted {@code machine} until they have made
     * {@code references} references in all.
     *
     * @throws IllegalArgumentException for a configuration that cannot run (as {@link Processes#install}
     *                                  and {@link Processes#spawn} refuse it)
     */
    public static Result run(String machine, KernelConfig kernelConfig, ProcessConfig config, PolicyRegistry registry,
                             int processes, Workload workload, Timing timing, long references) {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(timing, "timing");
        if (processes < 1) {
            throw new IllegalArgumentException("at least 1 process, not " + processes);
        }
        if (references < 1) {
            throw new IllegalArgumentException("at least 1 reference, not " + references);
        }
        Kernel kernel = Kernel.boot(machine, kernelConfig);
        Processes procs = Processes.install(kernel, config, registry);
        Process[] p = new Process[processes];
        Program[] programs = new Program[processes];
        for (int i = 0; i < processes; i++) {
            try {
                p[i] = procs.spawn("program " + (i + 1), 1, List.of(Region.Spec.data(workload.pages())));
            } catch (ProcessException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            programs[i] = new Program(workload, workload.seed() + i, p[i].regions().get(0).start());
        }
        long[] readyAt = new long[processes];
        long now = 0;
        long cpu = 0;
        long disk = 0;
        long diskFreeAt = 0;
        long done = 0;
        long faults = 0;
        long pageOuts = 0;
        int next = 0;
        while (done < references) {
            while (config.loadControl() && procs.resumeWhenRoom() != null) {
                // Resumed processes are ready from now on (their readyAt is already past).
            }
            int chosen = -1;
            long earliest = Long.MAX_VALUE;
            for (int k = 0; k < processes; k++) {
                int i = (next + k) % processes;
                if (p[i].state() == Process.State.SUSPENDED) {
                    continue;
                }
                if (readyAt[i] <= now) {
                    chosen = i;
                    break;
                }
                earliest = Math.min(earliest, readyAt[i]);
            }
            if (chosen < 0) {
                if (earliest == Long.MAX_VALUE) {
                    throw new IllegalStateException("every process is suspended and none can be resumed");
                }
                now = earliest;
                continue;
            }
            next = (chosen + 1) % processes;
            Program program = programs[chosen];
            for (long q = 0; q < timing.quantum() && done < references; q++) {
                long vaddr = program.peekVaddr();
                boolean write = program.peekWrite();
                Processes.Outcome outcome = procs.touch(p[chosen], vaddr, write);
                if (outcome == Processes.Outcome.SUSPENDED) {
                    break;
                }
                if (outcome == Processes.Outcome.KILLED) {
                    throw new IllegalStateException(p[chosen] + " was killed: " + p[chosen].killReport());
                }
                program.advance();
                now += timing.referenceNanos();
                cpu += timing.referenceNanos();
                done++;
                if (outcome == Processes.Outcome.FAULT) {
                    faults++;
                    boolean writeBack = procs.lastFault().victimDirty();
                    if (writeBack) {
                        pageOuts++;
                    }
                    long transfer = timing.transferNanos() * (writeBack ? 2 : 1);
                    long start = Math.max(now, diskFreeAt);
                    diskFreeAt = start + transfer;
                    disk += transfer;
                    readyAt[chosen] = diskFreeAt;
                    break;
                }
            }
        }
        return new Result(processes, done, faults, pageOuts, procs.suspensions(), now, cpu, disk);
    }

    /** One synthetic program's reference generator: the next reference can be looked at before it is made. */
    private static final class Program {
        private final Workload workload;
        private final SplittableRandom random;
        private final long base;
        private long made;
        private int localityStart;
        private long nextVaddr;
        private boolean nextWrite;

        Program(Workload workload, long seed, long base) {
            this.workload = workload;
            this.random = new SplittableRandom(seed);
            this.base = base;
            draw();
        }

        long peekVaddr() {
            return nextVaddr;
        }

        boolean peekWrite() {
            return nextWrite;
        }

        void advance() {
            made++;
            if (made % workload.phase() == 0) {
                localityStart = (localityStart + Math.max(1, workload.workingSet() / 2)) % workload.pages();
            }
            draw();
        }

        private void draw() {
            int page = random.nextDouble() < workload.locality()
                    ? (localityStart + random.nextInt(workload.workingSet())) % workload.pages()
                    : random.nextInt(workload.pages());
            nextVaddr = base + ((long) page << 12);
            nextWrite = random.nextDouble() < workload.writes();
        }
    }
}
