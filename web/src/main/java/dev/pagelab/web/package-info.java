/**
 * {@code pagelab serve}: a web server on loopback with a JSON API under {@code /api/} and one page
 * (plain JavaScript and SVG, shipped inside the jar) that shows the memory manager at work: the
 * physical frames by owner, a process's or the kernel's directory and tables decoded bit by bit,
 * the walk of a virtual address, the TLB, a scenario's steps forward and back, and replacement
 * policies side by side.
 *
 * <p>{@link dev.pagelab.web.WebServer} is the server and the contract of the API;
 * {@link dev.pagelab.web.ScenarioSession} is one loaded scenario with a position among its steps;
 * {@link dev.pagelab.web.StateViews} turns the kernel's state into the JSON the page draws;
 * {@link dev.pagelab.web.FrameRows} bounds the memory view's rows (exact runs, or buckets).
 * Nothing here changes what the kernel does: the views read simulated memory as observers.
 */
package dev.pagelab.web;
