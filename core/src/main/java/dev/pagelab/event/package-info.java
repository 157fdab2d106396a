/**
 * What the kernel did, as structured events: {@link dev.pagelab.event.KernelEvent} (frames
 * taken and freed with their owner, entries written with their old and new value, INVLPG, CR3
 * loads, the temporary slot, page tables made and freed, page faults, heap blocks), sent through
 * one {@link dev.pagelab.event.EventSink} a kernel to one
 * {@link dev.pagelab.event.KernelEventListener}.
 *
 * <p>Layering: this package sits above {@code hw} and {@code pmm} (its records name frame owners
 * and decode entries) and below every package that emits (paging, vmm, heap, kernel). The
 * layers below report through their own small hooks ({@code pmm}'s owner changes), which the
 * kernel turns into events.
 */
package dev.pagelab.event;
