/**
 * Seed 001 inside the kernel: processes with their own page directories (the kernel half
 * shared), a page-fault handler that loads pages on demand, frames divided among processes with
 * local or global replacement, victims chosen from the PTEs' real Accessed and Dirty bits, and a
 * swap device. {@link dev.pagelab.proc.Processes}' class comment is the contract; the rules are
 * the replay engine's ({@link dev.pagelab.replay.Replay}), so that the kernel path counts exactly
 * the faults and write-backs {@code pagelab replay} counts.
 *
 * <h2>Seed 001's words → code</h2>
 * <table>
 *   <caption>Where each notion of seed 001 ("Page Frame Allocation") lives in the kernel</caption>
 *   <tr><th>seed 001</th><th>code</th></tr>
 *   <tr><td>a process and its pages</td><td>{@link dev.pagelab.proc.Process}, its
 *       {@link dev.pagelab.proc.Region}s and its {@link dev.pagelab.paging.AddressSpace}</td></tr>
 *   <tr><td>demand paging, the page fault, a free frame for the page</td>
 *       <td>the handler of {@link dev.pagelab.proc.Processes} (load, evict)</td></tr>
 *   <tr><td>equal, proportional, priority allocation, the minimum</td>
 *       <td>{@link dev.pagelab.replay.FrameAllocation}, recomputed at spawn and exit</td></tr>
 *   <tr><td>local and global replacement</td><td>a {@link dev.pagelab.proc.PagePool} a process, or one for all</td></tr>
 *   <tr><td>the reference and modify bits</td><td>PTE bits A and D through {@link dev.pagelab.paging.PageEntries}</td></tr>
 *   <tr><td>the backing store, page-out, page-in</td><td>{@link dev.pagelab.proc.SwapDevice}</td></tr>
 * </table>
 */
package dev.pagelab.proc;
