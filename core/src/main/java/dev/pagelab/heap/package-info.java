/**
 * The kernel heap: Kernighan and Ritchie's malloc and free over kmmap, block headers in kernel
 * virtual memory, frames given back when whole pages fall free ({@link dev.pagelab.heap.KernelHeap}).
 */
package dev.pagelab.heap;
