/**
 * Miss-ratio curves in one pass: the faults and write-backs that {@code pagelab replay} would count at every frame count, from one read of the traces instead of
 * one replay a frame count, for sweeps and charts over frames. {@link dev.pagelab.curve.Curves}
 * is the door; the results are {@link dev.pagelab.curve.ExactCurve} (with a
 * {@link dev.pagelab.curve.ProcessCurve} a process) and {@link dev.pagelab.curve.SampledCurve},
 * both {@link dev.pagelab.curve.MissRatioCurve}s.
 *
 * <pre>
 *   traces ──► Turns ──────► TraceInput ──► LruCurves ──► ExactCurve "lru"    faults + write-backs, streamed
 *              (the replay's  (the replay's  (LruStack:
 *               TraceTurns:    RefSource:     a Fenwick tree
 *               rule 5)        dense ids)     over time slots)
 *          ──► ReferenceStream (in memory) ──► OptCurves ──► ExactCurve "opt" faults, stream in memory
 *                                             (OptStack: Mattson's        └─► OptCurve: + write-backs,
 *                                              priority stack on next use)     OptWritebacks a pool
 *          ──► Turns ──► ShardsCurves (hash-sampled pages only) ──► SampledCurve  estimate, bounded memory
 * </pre>
 * The reading side is the replay engine's own ({@link dev.pagelab.replay.TraceTurns},
 * {@link dev.pagelab.replay.RefSource}): a curve sees the order, the processes and the page ids a
 * replay sees; {@code Turns} and {@code TraceInput} are thin adapters over them, and a stream
 * in memory is read through its {@link dev.pagelab.replay.ReferenceStream#source()}.
 *
 * <h2>Semantics</h2>
 * Exactly {@code Replay}'s rules: demand paging from empty frames, every miss a fault (cold ones
 * too); a write dirties its page; evicting a dirty page is one write-back charged to the page's
 * process, and pages still resident at the end are not written back; trace i is process i with
 * its own pages, traces interleave in turns of {@code quantum} references, a trace with pids is
 * taken in its own order. Tests check every frame count against {@code Replay.run}.
 * <ul>
 *   <li>{@link dev.pagelab.replay.Scope#GLOBAL}: one pool, one stack over (process, page); the
 *       curve is of the pool's frames, and each process's curve holds its share (its faults, its
 *       pages' write-backs).</li>
 *   <li>{@link dev.pagelab.replay.Scope#LOCAL}: a pool and a stack a process; each process's curve is
 *       of its own frames. A replay's counts come from reading each process at its quota:
 *       {@link dev.pagelab.curve.ExactCurve#countsAt(dev.pagelab.replay.ReplayConfig)} divides the
 *       frames as the replay does ({@link dev.pagelab.replay.FrameAllocation#divide}).</li>
 * </ul>
 *
 * <h2>What each costs</h2>
 * <table>
 *   <caption>Time and memory of each curve, N references, P distinct pages, F frame counts</caption>
 *   <tr><th>curve</th><th>time</th><th>memory</th><th>counts</th></tr>
 *   <tr><td>LRU, exact ({@link dev.pagelab.curve.Curves#lru})</td><td>O(N log P), O(1) for a
 *       reference to the page just referenced</td><td>O(P) (the page maps, ≤ ~60 bytes a page) +
 *       16 bytes × F a process; nothing a reference</td><td>faults, write-backs</td></tr>
 *   <tr><td>OPT, exact ({@link dev.pagelab.curve.Curves#opt})</td><td>O(N · (1 + records) · log P)
 *       (records above a page: one or two on program traces, hundreds on loops and scans over many
 *       pages; see {@code OptStack})</td><td>8 bytes a reference (the stream
 *       in memory and each reference's next use) + O(P)</td><td>faults
 *       ({@link dev.pagelab.curve.Curves#opt}); with
 *       {@link dev.pagelab.curve.Curves#optWithWritebacks} write-backs too: those of pages evicted
 *       after their last use depend on the replay's tie rule, no stack property, and cost
 *       O(P (log P + log N)) a frame count asked for ({@code OptWritebacks}); 4 bytes a reference
 *       more under local scope</td></tr>
 *   <tr><td>LRU, SHARDS ({@link dev.pagelab.curve.Curves#shards})</td><td>a hash a reference, O(log)
 *       for sampled ones</td><td>the sample (R·P pages, or at most s_max)</td><td>miss ratio,
 *       estimated; global scope; resolves frame counts well above 1/R only</td></tr>
 * </table>
 *
 * <h2>References</h2>
 * Mattson, Gecsei, Slutz and Traiger, "Evaluation techniques for storage hierarchies", IBM Systems
 * Journal 9(2), 1970 (stack algorithms, LRU and OPT stacks); Olken, "Efficient methods for
 * calculating the success function of fixed space replacement policies", LBL-12370, 1981 (stack
 * distances with a tree over time); Thompson and Smith, "Efficient (stack) algorithms for analysis
 * of write-back and sector memories", ACM TOCS 7(1), 1989 (write-backs in one pass); Waldspurger,
 * Park, Garthwaite and Ahmad, "Efficient MRC construction with SHARDS", FAST 2015.
 */
package dev.pagelab.curve;
