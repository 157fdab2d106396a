/**
 * The kernel heap: Kernighan and Ritchie's malloc and free over kmmap, block headers in kernel
 * virtual memory, frames given back when whole pages fall free ({@link dev.pagelab.heap.KernelHeap}).
 * It reaches memory only through {@code vmm} ({@link dev.pagelab.vmm.KernelMemory}) and the
 * {@link dev.pagelab.hw.Mmu}, and reports what it does as {@link dev.pagelab.event.KernelEvent.HeapEvent}s.
 *
 * <h2>Seed name → code</h2>
 * <table>
 *   <caption>Where each name of the seeds (000, 002: "malloc and free ... as Kernighan and Ritchie") lives</caption>
 *   <tr><th>seed / K&amp;R</th><th>here</th></tr>
 *   <tr><td>{@code malloc(nbytes)}</td><td>{@link dev.pagelab.heap.KernelHeap#kmalloc}; also
 *       {@code kcalloc}, {@code krealloc}, {@code kmallocAligned}</td></tr>
 *   <tr><td>{@code free(ap)}</td><td>{@link dev.pagelab.heap.KernelHeap#kfree}; the header check in
 *       {@code HeapWalk.liveBlockUnits}</td></tr>
 *   <tr><td>{@code morecore(nu)}, with {@code sbrk} replaced by the page frame allocator and a mapping</td>
 *       <td>{@code KernelHeap.morecore} and {@code firstMorecore}, through
 *       {@link dev.pagelab.vmm.KernelMemory#kmmap(long, dev.pagelab.pmm.FrameOwner)}</td></tr>
 *   <tr><td>{@code Header} ({@code s.ptr}, {@code s.size}), {@code Align}</td>
 *       <td>{@code BlockHeaders}: two 32-bit words in kernel memory, 8-byte units</td></tr>
 *   <tr><td>{@code base}, {@code freep}</td><td>the fields {@code base} and {@code freep} of
 *       {@link dev.pagelab.heap.KernelHeap}; base is the first unit of the first chunk</td></tr>
 *   <tr><td>"return page frames ... whenever sufficiently large blocks of memory are freed"</td>
 *       <td>{@code KernelHeap.giveBackPages} ({@link dev.pagelab.heap.KernelHeap#RELEASE_THRESHOLD_BYTES}),
 *       through {@link dev.pagelab.vmm.KernelMemory#release} and
 *       {@link dev.pagelab.vmm.KernelMemory#kunmap(long, dev.pagelab.pmm.FrameOwner)};
 *       pages mapped again by {@link dev.pagelab.vmm.KernelMemory#repopulate}</td></tr>
 * </table>
 */
package dev.pagelab.heap;
