/**
 * The kernel façade that scenarios, the command line and tests drive. For now it holds the
 * hand-built machine of {@code pagelab demo}; the boot of later issues replaces it.
 */
package dev.pagelab.kernel;
