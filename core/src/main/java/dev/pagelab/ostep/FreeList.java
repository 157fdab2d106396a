package dev.pagelab.ostep;

import com.carrotsearch.hppc.LongLongHashMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * malloc.py's allocator: a free list of (address, size) chunks searched by a fit policy, with
 * pretend headers (no bytes are written anywhere: a header only makes a block bigger).
 *
 * <h2>Notation</h2>
 * <pre>
 *   list   [ (addr, size), ... ]   in the order -l keeps
 *   sizes  addr -> size             of every allocated block, header included
 *
 *   heap at -b, -S units:   [ addr ............................ addr + size )
 *   alloc(n):  n' = round_up(n, -a) + -H
 *              chunk (a, s), s >= n'  ->  block [a, a + n')   chunk becomes (a + n', s - n')
 *                                         (the front of the chunk is taken; an exact fit leaves the list)
 * </pre>
 *
 * <h2>alloc(n)</h2>
 * <ol>
 *   <li>With an alignment, round n up to a multiple of it; then add the header size
 *       ({@link OstepQuirk#MALLOC_ALIGN_BEFORE_HEADER}).</li>
 *   <li>Walk the list from its head counting the chunks looked at: FIRST stops at the first chunk
 *       big enough; BEST takes the smallest big-enough chunk (the first of equals, starting from
 *       heap size + 1); WORST the largest (the first of equals).</li>
 *   <li>None: fail with -1. Else split the chunk at its front ({@link OstepQuirk#MALLOC_FRONT_SPLIT})
 *       or remove it on an exact fit, and record the block's size under its address.</li>
 * </ol>
 *
 * <h2>free(addr)</h2>
 * <ol>
 *   <li>An address that is not a block's start returns -1 and changes nothing.</li>
 *   <li>Else the block goes back as a chunk: appended (INSERT-BACK), prepended (INSERT-FRONT),
 *       or appended and the whole list stably sorted by address (ADDRSORT), by size up
 *       (SIZESORT+) or by size down (SIZESORT-) ({@link OstepQuirk#MALLOC_SORT_STABLE}).</li>
 *   <li>With coalescing, one pass merges each chunk into the one before it in the list when it
 *       starts where that one ends ({@link OstepQuirk#MALLOC_LIST_ADJACENT_COALESCE}).</li>
 *   <li>Returns 0.</li>
 * </ol>
 *
 * <p>Costs are linear in the list, as in the script (a sort after each free for the sorted
 * orders). Arithmetic is exact on 64 bits: a result beyond it is an {@link OstepLimitException}.
 * Not thread-safe.
 */
final class FreeList {
    /** The fit policies ({@code -p}). */
    enum Fit { FIRST, BEST, WORST }

    /** The list orders ({@code -l}). */
    enum Order {
        ADDRSORT("ADDRSORT"), SIZESORT_UP("SIZESORT+"), SIZESORT_DOWN("SIZESORT-"), INSERT_FRONT("INSERT-FRONT"),
        INSERT_BACK("INSERT-BACK");

        final String name;

        Order(String name) {
            this.name = name;
        }

        static Order named(String name) {
            for (Order o : values()) {
                if (o.name.equals(name)) {
                    return o;
                }
            }
            return null;
        }
    }

    /** A free chunk. */
    record Chunk(long addr, long size) {
    }

    /** An allocation's outcome: the block's address (-1 when none fits) and the chunks looked at. */
    record Allocation(long addr, long searched) {
    }

    private final long heapSize;
    private final long headerSize;
    private final Fit fit;
    private final Order order;
    private final boolean coalesce;
    private final long align;
    private List<Chunk> list = new ArrayList<>();
    private final LongLongHashMap sizes = new LongLongHashMap();

    /**
     * @param align -1 for none, else positive
     */
    FreeList(long heapSize, long base, long headerSize, Fit fit, Order order, boolean coalesce, long align) {
        this.heapSize = heapSize;
        this.headerSize = headerSize;
        this.fit = fit;
        this.order = order;
        this.coalesce = coalesce;
        this.align = align;
        list.add(new Chunk(base, heapSize));
    }

    /** {@code malloc(size)}. */
    Allocation alloc(long size) {
        long need = size;
        if (align != -1) {
            long left = Math.floorMod(need, align);
            need = exact(need, left == 0 ? 0 : align - left);
        }
        need = exact(need, headerSize);
        int best = -1;
        long bestSize = fit == Fit.BEST ? exact(heapSize, 1) : -1;
        long searched = 0;
        for (int i = 0; i < list.size(); i++) {
            Chunk c = list.get(i);
            searched++;
            boolean better = switch (fit) {
                case FIRST -> true;
                case BEST -> c.size() < bestSize;
                case WORST -> c.size() > bestSize;
            };
            if (c.size() >= need && better) {
                best = i;
                bestSize = c.size();
                if (fit == Fit.FIRST) {
                    break;
                }
            }
        }
        if (best < 0) {
            return new Allocation(-1, searched);
        }
        Chunk chosen = list.get(best);
        if (chosen.size() > need) {
            list.set(best, new Chunk(exact(chosen.addr(), need), chosen.size() - need));
        } else {
            list.remove(best);
        }
        if (sizes.containsKey(chosen.addr())) {
            throw PythonError.assertion();
        }
        sizes.put(chosen.addr(), need);
        return new Allocation(chosen.addr(), searched);
    }

    /** {@code free(addr)}: 0, or -1 when {@code addr} is not an allocated block's start. */
    int free(long addr) {
        if (!sizes.containsKey(addr)) {
            return -1;
        }
        Chunk back = new Chunk(addr, sizes.get(addr));
        switch (order) {
            case INSERT_BACK -> list.add(back);
            case INSERT_FRONT -> list.add(0, back);
            case ADDRSORT -> {
                list.add(back);
                list.sort(Comparator.comparingLong(Chunk::addr));
            }
            case SIZESORT_UP -> {
                list.add(back);
                list.sort(Comparator.comparingLong(Chunk::size));
            }
            case SIZESORT_DOWN -> {
                list.add(back);
                list.sort(Comparator.comparingLong(Chunk::size).reversed());
            }
        }
        if (coalesce) {
            List<Chunk> merged = new ArrayList<>(list.size());
            Chunk current = list.get(0);
            for (int i = 1; i < list.size(); i++) {
                Chunk c = list.get(i);
                if (c.addr() == exact(current.addr(), current.size())) {
                    current = new Chunk(current.addr(), exact(current.size(), c.size()));
                } else {
                    merged.add(current);
                    current = c;
                }
            }
            merged.add(current);
            list = merged;
        }
        sizes.remove(addr);
        return 0;
    }

    /** {@code Free List [ Size 2 ]: [ addr:1000 sz:3 ][ addr:1003 sz:97 ]}. */
    String dump() {
        StringBuilder out = new StringBuilder("Free List [ Size ").append(list.size()).append(" ]: ");
        for (Chunk c : list) {
            out.append("[ addr:").append(c.addr()).append(" sz:").append(c.size()).append(" ]");
        }
        return out.toString();
    }

    /** The chunks, head first (for tests). */
    List<Chunk> chunks() {
        return List.copyOf(list);
    }

    static long exact(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new OstepLimitException("malloc: " + a + " + " + b + " is beyond the 64-bit integers pagelab"
                    + " computes with");
        }
    }
}
