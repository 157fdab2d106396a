/**
 * The trace-driven replay engine behind {@code pagelab replay}: seed 001's demand paging for many
 * processes, with frames divided among them and local or global replacement, at tens of millions
 * of references a second. No MMU and no page tables: a process is a stream of dense page ids
 * ({@link dev.pagelab.replay.RefSource}), a pool is primitive arrays
 * ({@link dev.pagelab.replay.PoolState}), and any policy of {@code dev.pagelab.replace} chooses the
 * victims. {@link dev.pagelab.replay.Replay}'s class comment is the contract; the kernel's own
 * processes (package {@code proc}) must give exactly the same counts.
 *
 * <p>The reading side is open to the other packages that replay traces, so that every one of
 * them sees the same order and the same page ids, and streams when the replay would:
 * <pre>
 *   traces ──► TraceTurns ──────────────► RefSource ──────────────► Replay, LRU curves, kernel replay
 *              (rule 5: runs of raw        (dense page ids,
 *               references, a turn          packed blocks,
 *               at a time)                  id tables)
 *                         └─────────────► SHARDS (hashes raw pages; keeps only its sample)
 *   ReferenceStream (in memory) ──► source(): the same ids ──► OPT, sizes from the traces, steps
 * </pre>
 * {@link dev.pagelab.replay.TraceTurns}, {@link dev.pagelab.replay.RefSource} and
 * {@link dev.pagelab.replay.ReferenceStream} document each layer;
 * {@link dev.pagelab.replay.Replay#mustHoldStream} says when the whole stream must be in memory
 * first.
 *
 * <p>Beside the engine, for people rather than speed: {@link dev.pagelab.replay.SteppedReplacement}
 * and {@link dev.pagelab.replay.SteppedProcesses} follow the same protocol over short strings
 * ({@link dev.pagelab.replay.SteppedString}, at most 100,000 references) and keep every step: the
 * frames, the victim and why (the A bits the policy tested, the recorder's own counters), the
 * resident sets of several processes. {@code pagelab serve}'s replacement view draws them; their
 * totals are the engine's.
 *
 * <h2>Seed 001's words → code</h2>
 * <table>
 *   <caption>Where each notion of seed 001 ("Page Frame Allocation") lives</caption>
 *   <tr><th>seed 001</th><th>code</th></tr>
 *   <tr><td>demand paging, page fault, a frame for the page</td>
 *       <td>{@link dev.pagelab.replay.PolicyRun} (the hot loops), rules 1–3 of {@link dev.pagelab.replay.Replay}</td></tr>
 *   <tr><td>equal allocation, x/y frames, the frames left over as a free pool</td>
 *       <td>{@link dev.pagelab.replay.AllocationMode#EQUAL}, {@link dev.pagelab.replay.FrameAllocation#leftover()}</td></tr>
 *   <tr><td>proportional allocation, aᵢ = (sᵢ/S)·m</td>
 *       <td>{@link dev.pagelab.replay.AllocationMode#PROPORTIONAL} in {@link dev.pagelab.replay.FrameAllocation}</td></tr>
 *   <tr><td>allocation by priority</td><td>{@link dev.pagelab.replay.AllocationMode#PRIORITY}</td></tr>
 *   <tr><td>"each process should be given at least a certain amount of frames"</td>
 *       <td>{@link dev.pagelab.replay.FrameAllocation#X86_INSTRUCTION_MINIMUM} and
 *       {@link dev.pagelab.replay.ReplayConfig#minimumFrames()}</td></tr>
 *   <tr><td>local replacement (a frame from the process's own set)</td>
 *       <td>{@link dev.pagelab.replay.Scope#LOCAL}: one pool and one policy state a process</td></tr>
 *   <tr><td>global replacement (one process can take a frame from another)</td>
 *       <td>{@link dev.pagelab.replay.Scope#GLOBAL}: one pool over all frames</td></tr>
 *   <tr><td>page-fault ratio of a process</td>
 *       <td>{@link dev.pagelab.replay.ProcessResult}, summed in {@link dev.pagelab.replay.PolicyResult}</td></tr>
 * </table>
 */
package dev.pagelab.replay;
