/**
 * Page replacement: one small {@link dev.pagelab.replace.ReplacementPolicy} interface on
 * primitive page ids, one class a policy, and a {@link dev.pagelab.replace.PolicyRegistry}
 * instance that maps a name to a factory taking a {@link dev.pagelab.replace.PolicyConfig}.
 * Mechanism stays apart from policy: a {@link dev.pagelab.replace.Pool} (the replay engine's
 * arrays, or the kernel's page tables) places and evicts pages and keeps the reference and dirty
 * bits; a policy only watches and chooses. Each policy's class comment is its design document.
 *
 * <p>Seed 001's words → code: page replacement → {@code ReplacementPolicy}; local replacement → one
 * pool (and one policy instance) per process; global replacement → one pool over all frames
 * (both in {@code dev.pagelab.replay}).
 */
package dev.pagelab.replace;
