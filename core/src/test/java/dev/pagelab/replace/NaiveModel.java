package dev.pagelab.replace;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A policy written again as plainly as possible (boxed maps, linear scans), with its own frames,
 * dirty bits and write-back count, for differential tests: {@link #agree} runs the registered policy
 * through {@link PolicyDriver} and the model side by side and compares every step (fault or hit,
 * the page in every frame, write-backs). Frames are
 * assigned as the engine does (lowest free frame; the victim's frame when full).
 */
abstract class NaiveModel {
    final int capacity;
    final int[] pageAt;
    final Map<Integer, Integer> frameOf = new HashMap<>();
    final Set<Integer> dirty = new HashSet<>();
    long faults;
    long writebacks;

    NaiveModel(int capacity) {
        this.capacity = capacity;
        this.pageAt = new int[capacity];
        Arrays.fill(pageAt, -1);
    }

    /** A hit on a resident page (its dirty bit already updated). */
    abstract void hit(int page, long now);

    /** The pool is full and {@code incoming} faulted: the resident page to evict. */
    abstract int victim(int incoming, long now);

    /** {@code page} was placed in {@code frame}. */
    abstract void loaded(int page, int frame, long now);

    /** After each reference, hit or fault (variable-allocation models release here). */
    void after(long now) {
    }

    final boolean reference(int page, boolean write, long now) {
        boolean fault = !frameOf.containsKey(page);
        if (!fault) {
            if (write) {
                dirty.add(page);
            }
            hit(page, now);
        } else {
            faults++;
            int frame;
            if (frameOf.size() == capacity) {
                int victim = victim(page, now);
                frame = frameOf.get(victim);
                remove(victim);
            } else {
                frame = 0;
                while (pageAt[frame] >= 0) {
                    frame++;
                }
            }
            pageAt[frame] = page;
            frameOf.put(page, frame);
            if (write) {
                dirty.add(page);
            }
            loaded(page, frame, now);
        }
        after(now);
        return fault;
    }

    /** Evicts {@code page} now (a write-back when dirty). */
    final void remove(int page) {
        if (dirty.remove(page)) {
            writebacks++;
        }
        pageAt[frameOf.remove(page)] = -1;
    }

    final int[] resident() {
        return frameOf.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Statistics a model keeps about which of its branches ran, for coverage gates. */
    final Map<String, Long> seen = new HashMap<>();

    final void saw(String what) {
        seen.merge(what, 1L, Long::sum);
    }

    /**
     * Runs {@code name} and the model over one string, comparing faults, resident sets and
     * write-backs at every step; fails naming {@code where} and the step.
     */
    static void agree(String name, PolicyConfig config, int capacity, int[] pages, boolean[] writes,
                      NaiveModel model, String where) {
        PolicyDriver driver = PolicyDriver.of(PolicyRegistry.builtIn(), name, config, capacity);
        for (int now = 0; now < pages.length; now++) {
            boolean write = writes != null && writes[now];
            boolean policyFault = driver.reference(pages[now], write, now, ReplacementPolicy.NEVER);
            boolean modelFault = model.reference(pages[now], write, now);
            if (policyFault != modelFault || !Arrays.equals(driver.residentSet(), model.resident())
                    || driver.writebacks != model.writebacks || !sameFrames(driver, model)) {
                throw new AssertionError(where + ", step " + now + " (page " + pages[now] + (write ? " write" : "")
                        + "): " + name + " fault=" + policyFault + " resident=" + Arrays.toString(driver.residentSet())
                        + " writebacks=" + driver.writebacks + ", model fault=" + modelFault + " resident="
                        + Arrays.toString(model.resident()) + " writebacks=" + model.writebacks + " (frames "
                        + Arrays.toString(model.pageAt) + ")");
            }
        }
    }

    private static boolean sameFrames(PolicyDriver driver, NaiveModel model) {
        for (int frame = 0; frame < model.capacity; frame++) {
            if (driver.pageAt(frame) != model.pageAt[frame]) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #agree} over 60 seeded strings (up to {@code maxCapacity} frames, {@code maxDistinct}
     * pages, 2,000 references), each with its own config and a fresh model; returns what the
     * models saw, summed, for the caller's coverage gate.
     */
    static Map<String, Long> agreeOverSeeds(String name, int maxCapacity, int maxDistinct,
                                            Function<Case, PolicyConfig> config,
                                            BiFunction<Case, PolicyConfig, NaiveModel> model) {
        Map<String, Long> seen = new HashMap<>();
        for (long seed : LongSeeds.of(60)) {
            Case c = Case.of(seed, maxCapacity, maxDistinct, 2_000);
            PolicyConfig chosen = config.apply(c);
            NaiveModel m = model.apply(c, chosen);
            agree(name, chosen, c.capacity(), c.pages(), c.writes(), m, c.where(name) + " with " + chosen);
            m.seen.forEach((k, v) -> seen.merge(k, v, Long::sum));
        }
        return seen;
    }

    /** A seeded random string with locality (the contract test's) and its writes. */
    record Case(long seed, int capacity, int[] pages, boolean[] writes) {
        static Case of(long seed, int maxCapacity, int maxDistinct, int maxLength) {
            RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            int distinct = 2 + random.nextInt(maxDistinct - 1);
            int length = 1 + random.nextInt(maxLength);
            int capacity = 1 + random.nextInt(maxCapacity);
            return new Case(seed, capacity, ReplacementPolicyContractTest.string(random, length, distinct),
                    ReplacementPolicyContractTest.writes(random, length));
        }

        String where(String name) {
            return name + " seed " + seed + " (capacity " + capacity + ", " + pages.length + " references)";
        }
    }
}
