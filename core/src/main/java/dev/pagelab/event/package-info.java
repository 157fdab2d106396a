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
 *
 * <p>Seed words → code: seed 003 prints {@code "New frame allocated at: 0x%x"} after each
 * {@code allocate_frame}; here that line is a {@link dev.pagelab.event.KernelEvent.FrameTaken}
 * (with the owner the frame was taken for), and every other change the seeds make silently
 * (a PDE or PTE written, an INVLPG, the temporary slot at 0xC03FF000 loaded) has its own record.
 */
package dev.pagelab.event;
