// Page-directory and page-table entries decoded with the server's tables (/api/info entryBits,
// the ones `pagelab explain` prints), and drawn: a cell's colour and marks, and a 32-bit ruler.

import {state} from './store.js';
import {s, hex, MONO} from './dom.js';


export const ENTRY_COLORS = {
  empty: '#eef1f4',
  swap: '#f2b84b',
  kernelRw: '#3b5bdb',
  kernelRo: '#a9b8f5',
  userRw: '#2f9e44',
  userRo: '#a3d9b1',
};

/** The bit table that decodes entry at level 'pde' or 'pte'. */
function bitsFor(level, entry, largeEnabled) {
  const eb = state.info.entryBits;
  if (level === 'pte') {
    return eb.pte;
  }
  return isLarge(level, entry, largeEnabled) ? eb.pdeLarge : eb.pdeTable;
}

export function isLarge(level, entry, largeEnabled) {
  return level === 'pde' && largeEnabled && (entry & 1) !== 0 && (entry & 0x80) !== 0;
}

/** Each bit: {name, mask, bit, set, meaning}. */
export function decode(level, entry, largeEnabled) {
  return bitsFor(level, entry, largeEnabled).map(b => {
    const set = (entry & b.mask) !== 0;
    return {name: b.name, mask: b.mask, bit: Math.round(Math.log2(b.mask)), set, meaning: set ? b.whenSet : b.whenClear};
  });
}

/** The names of the set bits, as `P R/W U/S A`. */
export function flagText(level, entry, largeEnabled) {
  return decode(level, entry, largeEnabled).filter(b => b.set).map(b => b.name).join(' ');
}

/** Flags (a number of PTE flag bits, as the step log gives them) as names. */
export function flagsOf(flags) {
  return state.info.entryBits.pte.filter(b => (flags & b.mask) !== 0).map(b => b.name).join(' ');
}

/** What a present entry points at: {what, paddr}; null when not present. */
export function target(level, entry, largeEnabled) {
  if ((entry & 1) === 0) {
    return null;
  }
  if (isLarge(level, entry, largeEnabled)) {
    return {what: '4 MiB page', paddr: (entry & 0xFFC00000) >>> 0};
  }
  return {what: level === 'pde' ? 'page table' : 'frame', paddr: (entry & 0xFFFFF000) >>> 0};
}

/** Colour key of an entry. */
export function kind(entry) {
  if (entry === 0) {
    return 'empty';
  }
  if ((entry & 1) === 0) {
    return 'swap';
  }
  const user = (entry & 4) !== 0;
  const rw = (entry & 2) !== 0;
  return user ? (rw ? 'userRw' : 'userRo') : (rw ? 'kernelRw' : 'kernelRo');
}

/**
 * What a not-present entry that is not zero holds: the kernel's own bits. In a process's table,
 * pagelab's swap entry is slot << 12 | 2.
 */
export function notPresentText(entry, space) {
  if (entry === 0) {
    return 'empty: never mapped (all 32 bits 0)';
  }
  const low = entry & 0xFFF;
  const slot = entry >>> 12;
  if (space !== 'kernel' && low === 2) {
    return 'not present (P=0): the hardware ignores the other 31 bits, which belong to the kernel — here a swap entry, '
      + 'slot ' + slot + ' (entry = slot << 12 | 2 = ' + hex(entry) + ')';
  }
  return 'not present (P=0): the hardware ignores the other 31 bits, which are the kernel\'s own (' + hex(entry) + ')';
}

/** A 32-bit ruler of entry: one box a bit, set bits filled, flag names under their bits. */
export function ruler(level, entry, largeEnabled, width) {
  const bits = decode(level, entry, largeEnabled);
  const box = Math.max(12, Math.min(24, (width - 8) / 32));
  const w = box * 32 + 8;
  const top = 36;
  const height = top + box + 44;
  const svg = s('svg', {class: 'ruler', width: w, height, viewBox: `0 0 ${w} ${height}`, 'font-family': MONO});
  const byBit = new Map(bits.map(b => [b.bit, b]));
  const present = (entry & 1) !== 0;
  const large = isLarge(level, entry, largeEnabled);
  const frameLow = large ? 22 : 12;
  for (let i = 31; i >= 0; i--) {
    const x = 4 + (31 - i) * box;
    const set = ((entry >>> i) & 1) === 1;
    const named = byBit.get(i);
    let color = '#5d6b7a';
    if (i >= frameLow) {
      color = present ? '#2a9d8f' : '#c98a1a';
    } else if (named) {
      color = '#3b5bdb';
    }
    svg.append(s('rect', {x: x + 1, y: top, width: box - 2, height: box - 2, rx: 2, fill: set ? color : '#ffffff',
      stroke: set ? color : '#c5ccd4', 'data-bit': i}));
    svg.append(s('text', {x: x + box / 2, y: top + box / 2 + 3, 'font-size': Math.min(11, box * 0.55), 'text-anchor': 'middle',
      fill: set ? '#ffffff' : '#9aa5b1'}, set ? '1' : '0'));
    if (i % 4 === 0 || i === 31) {
      svg.append(s('text', {x: x + box / 2, y: top - 4, 'font-size': 9, 'text-anchor': 'middle', fill: '#9aa5b1'}, String(i)));
    }
    if (named && i < frameLow) {
      const ly = top + box + 8;
      svg.append(s('text', {x: x + box / 2 + 3, y: ly, 'font-size': 9.5, 'text-anchor': 'end', fill: '#3b4654',
        transform: `rotate(-50 ${x + box / 2 + 3} ${ly})`}, named.name));
    }
  }
  const span = (hi, lo, text, color) => {
    const x1 = 4 + (31 - hi) * box + 1;
    const x2 = 4 + (32 - lo) * box - 1;
    svg.append(s('path', {d: `M${x1} 22V17H${x2}V22`, stroke: color, fill: 'none'}),
      s('text', {x: x1, y: 12, 'font-size': 10.5, fill: color}, text));
  };
  if (present) {
    const t = target(level, entry, largeEnabled);
    span(31, frameLow, (large ? '4 MiB page at ' : level === 'pde' ? 'page table at ' : 'frame at ') + hex(t.paddr), '#2a9d8f');
  } else if (entry !== 0) {
    span(31, 1, 'the kernel\'s bits (P=0: the MMU ignores them)', '#c98a1a');
  }
  return svg;
}
