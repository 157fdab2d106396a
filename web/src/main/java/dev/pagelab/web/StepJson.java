package dev.pagelab.web;

import static dev.pagelab.web.StateViews.hex;
import static dev.pagelab.web.StateViews.key;
import static dev.pagelab.web.StateViews.ordered;

import dev.pagelab.hw.MmuStats;
import dev.pagelab.scenario.Changes;
import dev.pagelab.scenario.StepEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A scenario's event log as JSON: one object a step, with what it changed in lists the page highlights. */
final class StepJson {
    private StepJson() {
    }

    static Map<String, Object> of(StepEvent e) {
        Changes c = e.changes();
        List<Object> frames = new ArrayList<>();
        for (Changes.FrameChange f : c.frames()) {
            frames.add(ordered("pfn", f.pfn(), "before", key(f.before()), "after", key(f.after())));
        }
        List<Object> pages = new ArrayList<>();
        for (Changes.PageChange p : c.pages()) {
            pages.add(ordered("space", StateViews.KERNEL, "vaddr", hex(p.vaddr()),
                    "paddrBefore", p.paddrBefore() < 0 ? null : hex(p.paddrBefore()),
                    "paddrAfter", p.paddrAfter() < 0 ? null : hex(p.paddrAfter()),
                    "flagsBefore", p.flagsBefore(), "flagsAfter", p.flagsAfter()));
        }
        List<Object> processPages = new ArrayList<>();
        for (Changes.ProcessPageChange p : c.processPages()) {
            processPages.add(ordered("space", "pid-" + p.pid(), "pid", p.pid(), "vaddr", hex(p.vaddr()),
                    "before", page(p.before()), "after", page(p.after())));
        }
        List<Object> heapAllocated = blocks(c.heapAllocated());
        List<Object> heapFreed = blocks(c.heapFreed());
        Map<String, Object> changes = ordered("summary", c.summary(), "frames", frames, "pages", pages,
                "processPages", processPages, "tablesMade", c.tablesMade(), "tablesFreed", c.tablesFreed(),
                "heapAllocated", heapAllocated, "heapFreed", heapFreed);
        MmuStats.Snapshot m = e.mmu();
        return ordered("step", e.step(), "line", e.line(), "text", e.text(),
                "outcome", e.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                "failure", e.failure() == null ? null : ordered("kind", e.failure().kind().key(), "message", e.failure().message()),
                "result", e.result(), "fields", e.fields(), "changes", changes,
                "mmu", m == null ? null : ordered("accesses", m.accesses(), "tlbHits", m.tlbHits(), "tlbMisses", m.tlbMisses(),
                        "walks", m.walks(), "faults", m.faults(), "invlpgs", m.invlpgs(), "flushes", m.tlbFlushes()),
                "trace", e.trace(), "details", e.details(), "mismatches", e.mismatches(), "note", e.note());
    }

    private static Map<String, Object> page(Changes.PageState s) {
        return ordered("present", s.present(), "paddr", s.paddr() < 0 ? null : hex(s.paddr()), "flags", s.flags(),
                "swapSlot", s.slot());
    }

    private static List<Object> blocks(List<Changes.Block> blocks) {
        List<Object> out = new ArrayList<>();
        for (Changes.Block b : blocks) {
            out.add(ordered("vaddr", hex(b.vaddr()), "bytes", b.bytes()));
        }
        return out;
    }
}
