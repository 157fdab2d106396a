// What every view reads: the server's info, the session shown, its event log, and the step the
// page is at (0 = booted, no step run). app.js owns the writes.

export const state = {
  info: null,
  session: null,
  summary: null,
  steps: [],
  step: 0,
};

/** The event of the current step, or null at step 0. */
export function currentEvent() {
  return state.step > 0 ? state.steps[state.step - 1] || null : null;
}

/** The owners' labels by key, from /api/info. */
export function ownerLabel(key) {
  const o = state.info && state.info.owners.find(x => x.key === key);
  return o ? o.label : key;
}

// Colours: calm, distinguishable, readable under white text where cells are large.
const OWNER_COLORS = {
  'free': '#e9edf1',
  'firmware': '#8892a0',
  'not-in-map': '#fbfbfa',
  'kernel-image': '#2f4b7c',
  'module': '#7a5195',
  'boot-information': '#d4a72c',
  'low-memory': '#c3c9d1',
  'allocator-metadata': '#e3826a',
  'allocated': '#e9c46a',
  'page-table': '#2a9d8f',
  'heap': '#ef8a3c',
  'kernel-data': '#5b8ed6',
  'process': '#52a66b',
};

const PROCESS_COLORS = ['#52a66b', '#c2477a', '#8a6fd8', '#d9822b', '#1f9bb4', '#a3b83a', '#d65a5a',
  '#3f7fbf', '#b0753a', '#6aa89a'];

export function ownerColor(key) {
  return OWNER_COLORS[key] || '#999999';
}

/** A process's own colour (pid 1 is the first). */
export function processColor(pid) {
  return PROCESS_COLORS[((pid - 1) % PROCESS_COLORS.length + PROCESS_COLORS.length) % PROCESS_COLORS.length];
}

/** The colour of a run [start, end, owner, pid]. */
export function runColor(owner, pid) {
  return owner === 'process' && pid >= 0 ? processColor(pid) : ownerColor(owner);
}

/** Black or white, whichever reads better on fill. */
export function inkOn(fill) {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(fill);
  if (!m) {
    return '#1d2530';
  }
  const [r, g, b] = [m[1], m[2], m[3]].map(x => parseInt(x, 16) / 255);
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return lum > 0.55 ? '#1d2530' : '#ffffff';
}
