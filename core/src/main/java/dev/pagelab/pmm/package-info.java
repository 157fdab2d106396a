/**
 * Physical frame allocators: the seeds' bitmap (next-fit) and frame counter, an xv6-style free
 * list and a Linux-style buddy system, behind one {@link dev.pagelab.pmm.FrameAllocator}
 * interface and one {@link dev.pagelab.pmm.FrameAllocatorRegistry registry} by name. Their metadata
 * (the bitmap, the links of the free list, the buddy lists) is bytes in simulated physical
 * memory, in frames they take from the free pool, so it can be seen and dumped.
 */
package dev.pagelab.pmm;
