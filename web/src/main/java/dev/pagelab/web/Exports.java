package dev.pagelab.web;

import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.scenario.StepEvent;
import java.util.ArrayList;
import java.util.List;

/** Results as CSV for spreadsheets: RFC 4180 quoting, a header row, one line a record. */
final class Exports {
    private Exports() {
    }

    /** One line a step: number, line, text, outcome, result, failure, what changed, the MMU's counts. */
    static String steps(List<StepEvent> events) {
        StringBuilder out = new StringBuilder("step,line,text,outcome,result,failure,changes,accesses,tlb_hits,"
                + "tlb_misses,walks,faults,invlpgs\r\n");
        for (StepEvent e : events) {
            var m = e.mmu();
            row(out, e.step(), e.line(), e.text(), e.outcome().name().toLowerCase(java.util.Locale.ROOT), e.result(),
                    e.failure() == null ? "" : e.failure().kind().key() + ": " + e.failure().message(),
                    e.changes().summary(), m.accesses(), m.tlbHits(), m.tlbMisses(), m.walks(), m.faults(), m.invlpgs());
        }
        return out.toString();
    }

    /**
     * The memory view's rows: first and end frame, frame count, first physical address, owner,
     * process; for a summary, the owner and process are the dominant ones and one more column an
     * owner gives the bucket's frames of each.
     */
    static String memory(FrameRows.Rows rows) {
        StringBuilder out = new StringBuilder("first_pfn,end_pfn,frames,first_paddr,owner,pid");
        switch (rows) {
            case FrameRows.Exact exact -> {
                out.append("\r\n");
                for (FrameRows.Run r : exact.runs()) {
                    row(out, r.startPfn(), r.endPfn(), r.endPfn() - r.startPfn(), StateViews.hex(r.startPfn() << 12),
                            r.owner(), r.pid());
                }
            }
            case FrameRows.Summary summary -> {
                for (FrameOwner o : FrameOwner.values()) {
                    out.append(",frames_").append(StateViews.key(o).replace('-', '_'));
                }
                out.append("\r\n");
                for (FrameRows.Bucket b : summary.buckets()) {
                    List<Object> cells = new ArrayList<>(List.of(b.startPfn(), b.endPfn(), b.endPfn() - b.startPfn(),
                            StateViews.hex(b.startPfn() << 12), b.owner(), b.pid()));
                    for (FrameOwner o : FrameOwner.values()) {
                        cells.add(b.counts().getOrDefault(StateViews.key(o), 0L));
                    }
                    row(out, cells.toArray());
                }
            }
        }
        return out.toString();
    }

    static void row(StringBuilder out, Object... cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(quote(cells[i] == null ? "" : String.valueOf(cells[i])));
        }
        out.append("\r\n");
    }

    static String quote(String cell) {
        if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) {
            return cell;
        }
        return '"' + cell.replace("\"", "\"\"") + '"';
    }
}
