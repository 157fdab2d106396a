/**
 * Reference traces: streaming readers that hand out primitive {@link dev.pagelab.trace.TraceBlock}s
 * (page, kind, pid; never an object a reference), writers, statistics and a synthetic generator.
 *
 * <p>Formats ({@link dev.pagelab.trace.TraceFormat}): valgrind lackey, plain page lists, vmsim's
 * {@code ADDRESS R|W [PID]} lines and libCacheSim's oracleGeneral binary; gzip and zstd are read
 * transparently, recognised by their magic bytes. {@link dev.pagelab.trace.Traces} opens readers
 * (detecting the format from the content unless told) and creates writers. Bad content is a
 * {@link dev.pagelab.trace.TraceFormatException} naming the file, the line or byte offset, what was
 * found and what was expected.
 *
 * <p>The replay engine ({@code dev.pagelab.replay}) consumes {@link dev.pagelab.trace.TraceReader}s;
 * its benchmark and tests use {@link dev.pagelab.trace.SyntheticTrace}.
 *
 * <p>Seed words → code: seed 001's demand paging is driven by the pages a process references;
 * a {@link dev.pagelab.trace.TraceReader} is that reference string, one block of page numbers
 * (with read/write kind and process id) at a time, and a textbook string such as
 * {@code 7 0 1 2 0 3 0 4} is a {@link dev.pagelab.trace.TraceFormat#PLAIN} trace.
 */
package dev.pagelab.trace;
