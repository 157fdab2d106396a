/**
 * The kernel's side of the page tables: the higher-half boot that builds the kernel's page
 * directory and turns paging on ({@link dev.pagelab.paging.KernelPaging}), the three ways the
 * kernel reaches page-table frames once paging is on ({@link dev.pagelab.paging.TableAccess}),
 * and the seeds' {@code mapPage}, {@code unmapPage} and {@code getFrameAddr}
 * ({@link dev.pagelab.paging.AddressSpace}). Every entry is read and written through the
 * simulated MMU at CPL 0, never behind its back.
 */
package dev.pagelab.paging;
