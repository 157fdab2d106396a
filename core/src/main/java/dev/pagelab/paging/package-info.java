/**
 * The kernel's side of the page tables: the higher-half boot that builds the kernel's page
 * directory and turns paging on ({@link dev.pagelab.paging.KernelPaging}), the three ways the
 * kernel reaches page-table frames of any directory once paging is on
 * ({@code TableAccess}, chosen by {@link dev.pagelab.paging.TableAccessStrategy}), the seeds'
 * {@code mapPage}, {@code unmapPage} and {@code getFrameAddr} on one directory
 * ({@link dev.pagelab.paging.AddressSpace}), the set of directories that share the kernel half
 * ({@link dev.pagelab.paging.AddressSpaces}), and the entry operations page replacement needs
 * ({@link dev.pagelab.paging.PageEntries}). Every entry is read and written through the
 * simulated MMU at CPL 0, never behind its back.
 *
 * <h2>Seed name → code</h2>
 * <table>
 *   <caption>where the seeds' names live in this package</caption>
 *   <tr><th>seed name</th><th>code</th></tr>
 *   <tr><td>{@code enablePaging} (CR3 = directory, CR4.PSE, CR0.PG and WP)</td>
 *       <td>{@link dev.pagelab.paging.KernelPaging#enable}, steps 5 and 6</td></tr>
 *   <tr><td>page directory (PDT), page table (PT), PDE 768, 0xC0000000</td>
 *       <td>{@link dev.pagelab.paging.AddressSpace}, {@link dev.pagelab.paging.KernelLayout#KERNEL_PDE},
 *       {@link dev.pagelab.paging.KernelLayout#KERNEL_BASE}</td></tr>
 *   <tr><td>{@code mapPage}, {@code unmapPage}, {@code getFrameAddr}</td>
 *       <td>{@link dev.pagelab.paging.AddressSpace#mapPage}, {@link dev.pagelab.paging.AddressSpace#unmapPage},
 *       {@link dev.pagelab.paging.AddressSpace#getFrameAddr}</td></tr>
 *   <tr><td>temporary mapping, {@code (768 << 22) | (1023 << 12)} = 0xC03FF000</td>
 *       <td>{@link dev.pagelab.paging.KernelLayout#TEMPORARY_SLOT},
 *       {@link dev.pagelab.paging.TableAccessStrategy#TEMPORARY_MAPPING} ({@code TableAccess.Temporary})</td></tr>
 *   <tr><td>recursive mapping, 0xFFFFF000</td>
 *       <td>{@link dev.pagelab.paging.KernelLayout#RECURSIVE_DIRECTORY},
 *       {@link dev.pagelab.paging.TableAccessStrategy#RECURSIVE} ({@code TableAccess.Recursive})</td></tr>
 *   <tr><td>each process's page directory, the kernel half shared</td>
 *       <td>{@link dev.pagelab.paging.AddressSpaces#create}, {@link dev.pagelab.paging.AddressSpaces#destroy},
 *       {@link dev.pagelab.paging.AddressSpaces#switchTo}</td></tr>
 *   <tr><td>INVLPG after a change, flush on CR3 load</td>
 *       <td>{@link dev.pagelab.paging.AddressSpace} ("TLB"), {@code DirectoryAccess.invalidate},
 *       {@link dev.pagelab.paging.AddressSpaces#switchTo}</td></tr>
 *   <tr><td>Accessed and Dirty bits, swap entries (for page replacement)</td>
 *       <td>{@link dev.pagelab.paging.PageEntries}</td></tr>
 *   <tr><td>0x00001000 (user area), 0xC1000000 (kernel heap), 0xF8000000</td>
 *       <td>{@link dev.pagelab.paging.KernelLayout}</td></tr>
 * </table>
 */
package dev.pagelab.paging;
