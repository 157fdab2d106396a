package dev.pagelab.proc;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Pte;
import dev.pagelab.pmm.AccountedFrames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@link Processes#checkInvariants}: every pool against the page tables, the frame accounting and the swap device. */
final class ProcessChecks {
    private ProcessChecks() {
    }

    /**
     * Each resident page is present in its process's tables in its pool frame's physical frame,
     * held as that process's frame; no frame is in two pools; the frames in use are the resident
     * pages and within the budget; every non-resident page with a slot has its swap entry; the
     * slots held add up to the device's.
     *
     * @throws AssertionError naming the first disagreement
     */
    static void check(PagePool global, List<Process> live, SwapDevice swap, AccountedFrames frames, int framesInUse,
                      int budget) {
        Set<Long> seen = new HashSet<>();
        List<PagePool> pools = new ArrayList<>();
        if (global != null) {
            pools.add(global);
        }
        for (Process p : live) {
            if (p.pool != null) {
                pools.add(p.pool);
            }
        }
        long slots = 0;
        for (PagePool pool : pools) {
            int resident = 0;
            for (int f = 0; f < pool.pageAt.length; f++) {
                int page = pool.pageAt[f];
                if (page < 0) {
                    if (pool.pfnAt[f] != -1) {
                        throw new AssertionError("pool frame " + f + " is empty but holds frame " + Addresses.hex(pool.pfnAt[f]));
                    }
                    continue;
                }
                resident++;
                long pfn = pool.pfnAt[f];
                if (!seen.add(pfn)) {
                    throw new AssertionError("frame " + Addresses.hex(pfn) + " is in two pool frames");
                }
                Process q = pool.ownerOf[page];
                long vaddr = pool.vaddrOf(page);
                int pte = q.space.entries().pte(vaddr);
                if (!Pte.isPresent(pte) || Pte.pfn(pte) != pfn) {
                    throw new AssertionError("page " + Addresses.hex(vaddr) + " of " + q + " is resident in frame "
                            + Addresses.hex(pfn) + " but its PTE is " + Addresses.hex(pte & 0xFFFF_FFFFL));
                }
                if (frames.accounting().processOf(pfn) != q.pid) {
                    throw new AssertionError("frame " + Addresses.hex(pfn) + " holds a page of " + q
                            + " but the accounting has it as " + frames.describe(pfn));
                }
                if (pool.frameOf[page] != f) {
                    throw new AssertionError("page " + page + " is in pool frame " + f + " but frameOf says " + pool.frameOf[page]);
                }
            }
            if (resident != pool.resident || resident > pool.capacity) {
                throw new AssertionError("a pool counts " + pool.resident + " resident pages of " + pool.capacity
                        + " frames; its frames hold " + resident);
            }
        }
        for (Process p : live) {
            int resident = 0;
            for (int index = 0; index < p.slots.length; index++) {
                int slot = p.slots[index];
                if (slot < 0) {
                    continue;
                }
                slots++;
                if (!swap.isUsed(slot)) {
                    throw new AssertionError(p + " holds swap slot " + slot + " which the device has free");
                }
                int pte = p.space.entries().pte(Process.vaddrOf(index));
                if (!Pte.isPresent(pte) && pte != SwapDevice.entryOf(slot)) {
                    throw new AssertionError("page " + Addresses.hex(Process.vaddrOf(index)) + " of " + p
                            + " is swapped out to slot " + slot + " but its PTE is " + Addresses.hex(pte & 0xFFFF_FFFFL));
                }
            }
            resident += residentIn(p.pool != null ? p.pool : global, p);
            if (resident != p.resident) {
                throw new AssertionError(p + " counts " + p.resident + " resident pages, its pool holds " + resident);
            }
        }
        if (slots != swap.used()) {
            throw new AssertionError("processes hold " + slots + " swap slots, the device has " + swap.used() + " in use");
        }
        swap.checkInvariants();
            if (seen.size() != framesInUse || framesInUse > budget) {
            throw new AssertionError(framesInUse + " frames counted in use (budget " + budget + "), the pools hold "
                    + seen.size());
        }
    }

    private static int residentIn(PagePool pool, Process p) {
        int n = 0;
        for (int f = 0; pool != null && f < pool.pageAt.length; f++) {
            int page = pool.pageAt[f];
            if (page >= 0 && pool.ownerOf[page] == p) {
                n++;
            }
        }
        return n;
    }
}
