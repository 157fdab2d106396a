// Replacement: several policies over the same reference string, side by side as the textbooks
// draw them (one column a reference: the page on top, the frames after it, hit or fault, the
// victim, and why), stepped with the page's control bar; and several processes sharing frames,
// local against global replacement, as resident sets over time.

import {api} from './api.js';
import {state, processColor} from './store.js';
import {h, s, fill, num, plural, showTip, hideTip, swatch, MONO, FONT} from './dom.js';
import {exportBar, stack} from './export.js';
import {legendSvg} from './legend.js';

const CLASSIC = '7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1';
const DEFAULT_POLICIES = ['fifo', 'lru', 'opt', 'clock'];
const FAULT_FILL = '#ffe3c2';
const FAULT_EDGE = '#e8590c';
const HIT_EDGE = '#2f9e44';
const VICTIM = '#e03131';
const CURRENT = '#fff9db';
const MAX_COLUMNS = 600;

export function createReplacementView(panel, ctx) {
  const ui = {
    refs: h('input', {id: 'repl-refs', type: 'text', class: 'mono wide', value: CLASSIC, spellcheck: 'false',
      'aria-label': 'reference string'}),
    frames: h('input', {id: 'repl-frames', type: 'number', min: 1, value: 3, class: 'narrow', 'aria-label': 'frames'}),
    length: h('input', {id: 'repl-length', type: 'number', min: 1, value: 30, class: 'narrow'}),
    pages: h('input', {id: 'repl-pages', type: 'number', min: 1, value: 8, class: 'narrow'}),
    writeShare: h('input', {id: 'repl-write-share', type: 'number', min: 0, step: 0.05, value: 0.2, class: 'narrow'}),
    seed: h('input', {id: 'repl-seed', type: 'number', min: 0, value: 1, class: 'narrow'}),
    trace: h('select', {id: 'repl-trace', 'aria-label': 'trace'}),
    limit: h('input', {id: 'repl-limit', type: 'number', min: 1, value: 40, class: 'narrow'}),
    policies: h('div', {id: 'repl-policies', class: 'policies'}),
    policyNote: h('p', {id: 'repl-policy-note', class: 'muted small'}),
    error: h('div', {id: 'repl-error', class: 'inline-error', role: 'alert', hidden: true}),
    totals: h('div', {id: 'repl-totals'}),
    tables: h('div', {id: 'repl-tables', class: 'repl-tables'}),
    procRefs: h('textarea', {id: 'proc-refs', class: 'mono', rows: 3, spellcheck: 'false',
      'aria-label': 'one reference string a process'}),
    procCount: h('input', {id: 'proc-count', type: 'number', min: 1, value: 3, class: 'narrow'}),
    procLength: h('input', {id: 'proc-length', type: 'number', min: 1, value: 200, class: 'narrow'}),
    procPages: h('input', {id: 'proc-pages', type: 'number', min: 1, value: 10, class: 'narrow'}),
    procSeed: h('input', {id: 'proc-seed', type: 'number', min: 0, value: 1, class: 'narrow'}),
    procFrames: h('input', {id: 'proc-frames', type: 'number', min: 1, value: 8, class: 'narrow'}),
    procPolicy: h('select', {id: 'proc-policy', 'aria-label': 'policy'}),
    procQuantum: h('input', {id: 'proc-quantum', type: 'number', min: 1, value: 4, class: 'narrow'}),
    procMinimum: h('input', {id: 'proc-minimum', type: 'number', min: 0, value: 1, class: 'narrow'}),
    procAllocation: h('select', {id: 'proc-allocation', 'aria-label': 'allocation'},
      h('option', {value: 'equal'}, 'equal'), h('option', {value: 'proportional'}, 'proportional')),
    procError: h('div', {id: 'proc-error', class: 'inline-error', role: 'alert', hidden: true}),
    procCharts: h('div', {id: 'proc-charts', class: 'proc-charts'}),
  };
  ui.procRefs.value = '1 2 3 4 1 2 5 1 2 3 4 5\n6 7 6 7 8 6 7 8 9 6\n10 11 12 10 11 12 10 11 12 13';
  let source = 'typed';
  let result = null;
  let asked = null;
  let position = 0;
  let policiesLoaded = false;
  let known = [];

  const sourceRadios = ['typed', 'random', 'trace'].map(v => h('label', {class: 'radio'},
    h('input', {type: 'radio', name: 'repl-source', value: v, id: 'repl-source-' + v, checked: v === source,
      on: {change: () => {
        source = v;
        syncSource();
      }}}), v === 'typed' ? 'typed' : v === 'random' ? 'random' : 'a trace'));
  const typedRow = h('div', {class: 'row', data: {source: 'typed'}},
    h('label', {class: 'grow'}, 'references ', ui.refs),
    h('span', {class: 'hint'}, 'pages separated by spaces or commas; a trailing w marks a write (3w)'));
  const randomRow = h('div', {class: 'row', data: {source: 'random'}},
    h('label', null, 'length ', ui.length), h('label', null, 'pages ', ui.pages),
    h('label', null, 'write share ', ui.writeShare), h('label', null, 'seed ', ui.seed));
  const traceRow = h('div', {class: 'row', data: {source: 'trace'}},
    h('label', null, 'trace ', ui.trace), h('label', null, 'first ', ui.limit, ' references'));

  fill(panel,
    h('div', {class: 'view-head'}, h('h2', null, 'Replacement'),
      h('p', {class: 'lede'}, 'Policies side by side over one reference string; the control bar steps through the references.'),
      exportBar('replacement', drawing, csvRows, showError)),
    h('div', {class: 'card form-card'},
      h('form', {id: 'repl-form', novalidate: true, on: {submit: ev => {
        ev.preventDefault();
        run();
      }}},
      h('div', {class: 'row'}, h('span', {class: 'label'}, 'reference string'), sourceRadios),
      typedRow, randomRow, traceRow,
      h('div', {class: 'row'}, h('label', null, 'frames ', ui.frames), h('span', {class: 'label'}, 'policies'), ui.policies),
      ui.policyNote,
      h('div', {class: 'row'}, h('button', {id: 'repl-run', type: 'submit', class: 'primary'}, 'Run'),
        h('button', {type: 'button', id: 'repl-classic', on: {click: () => {
          ui.refs.value = CLASSIC;
          ui.frames.value = '3';
          source = 'typed';
          document.getElementById('repl-source-typed').checked = true;
          syncSource();
          run();
        }}}, 'the classic string, 3 frames'))),
      ui.error),
    h('div', {id: 'repl-results'}, ui.totals, ui.tables),
    h('div', {class: 'card form-card'},
      h('h3', null, 'Several processes: local against global replacement'),
      h('form', {id: 'proc-form', novalidate: true, on: {submit: ev => {
        ev.preventDefault();
        runProcesses();
      }}},
      h('div', {class: 'row'}, h('label', {class: 'grow'}, 'one reference string a process (empty: random) ', ui.procRefs)),
      h('div', {class: 'row'}, h('span', {class: 'label'}, 'random:'), h('label', null, 'processes ', ui.procCount),
        h('label', null, 'length ', ui.procLength), h('label', null, 'pages ', ui.procPages), h('label', null, 'seed ', ui.procSeed)),
      h('div', {class: 'row'}, h('label', null, 'frames ', ui.procFrames), h('label', null, 'policy ', ui.procPolicy),
        h('label', null, 'allocation ', ui.procAllocation), h('label', {title: 'the fewest frames a process may be left with'},
          'at least ', ui.procMinimum, ' each'), h('label', null, 'quantum ', ui.procQuantum),
        h('button', {id: 'proc-run', type: 'submit', class: 'primary'}, 'Run local and global'))),
      ui.procError, ui.procCharts));

  function syncSource() {
    for (const row of [typedRow, randomRow, traceRow]) {
      row.hidden = row.dataset.source !== source;
    }
  }
  syncSource();

  function showError(e) {
    ui.error.textContent = e instanceof Error ? e.message : String(e);
    ui.error.hidden = false;
  }

  function clearErrors() {
    ui.error.hidden = true;
    ui.procError.hidden = true;
  }

  async function loadPolicies() {
    policiesLoaded = true;
    let list;
    try {
      list = await api('api/replacement/policies');
      fill(ui.policyNote, '');
      ui.policyNote.hidden = true;
    } catch (e) {
      list = DEFAULT_POLICIES.map(name => ({name, description: '', hardwareBits: false}));
      fill(ui.policyNote, 'The server did not list its policies (' + e.message + '); these are the usual ones.');
      ui.policyNote.hidden = false;
    }
    known = list;
    fill(ui.policies, list.map(p => h('label', {class: 'check', title: p.description || p.name},
      h('input', {type: 'checkbox', value: p.name, checked: DEFAULT_POLICIES.includes(p.name)}), p.name)));
    fill(ui.procPolicy, list.map(p => h('option', {value: p.name, selected: p.name === 'lru'}, p.name)));
    const traces = (state.info && state.info.traces) || [];
    const names = traces.map(t => (typeof t === 'string' ? t : t.name));
    fill(ui.trace, names.map(n => h('option', {value: n}, n)));
    const radio = document.getElementById('repl-source-trace');
    radio.disabled = names.length === 0;
    radio.parentElement.title = names.length ? '' : 'no trace was given: start pagelab serve with --replay TRACE';
  }

  function request() {
    const policies = [...ui.policies.querySelectorAll('input:checked')].map(i => i.value);
    if (policies.length === 0) {
      throw new Error('choose at least one policy');
    }
    const body = {frames: Number(ui.frames.value), policies};
    if (source === 'typed') {
      body.refs = ui.refs.value;
    } else if (source === 'random') {
      body.random = {length: Number(ui.length.value), pages: Number(ui.pages.value), writeShare: Number(ui.writeShare.value),
        seed: Number(ui.seed.value)};
    } else {
      body.trace = ui.trace.value;
      body.limit = Number(ui.limit.value);
    }
    return body;
  }

  async function run() {
    clearErrors();
    try {
      const body = request();
      if (body.trace) {
        body.whole = true;
      }
      const answer = await api('api/replacement', {json: body});
      asked = body;
      result = answer;
      position = Math.min(length(), answer.to);
      draw();
      ctx.goTo(position);
    } catch (e) {
      showError(e);
    }
  }

  /** The references in the whole string (an answer carries a window of them, from..to). */
  function length() {
    return result ? (result.length !== undefined ? result.length : result.references.length) : 0;
  }

  function windowFrom() {
    return result.from || 0;
  }

  function windowTo() {
    return result.to !== undefined ? result.to : result.references.length;
  }

  /** Asks for the window of steps around reference k (1-based) when it is not the one shown. */
  async function follow(k) {
    const i = k - 1;
    if (!result || !asked || i < 0 || (i >= windowFrom() && i < windowTo())) {
      return;
    }
    const size = Math.max(1, windowTo() - windowFrom());
    const from = Math.max(0, Math.min(i - Math.floor(size / 2), length() - size));
    result = await api('api/replacement', {json: {...asked, from, to: Math.min(length(), from + size)}});
  }

  // ---------------------------------------------------------------- the tables

  /** Faults among the first k references, from the whole run's hit string (or the steps at hand). */
  function faultsUpTo(p, k) {
    if (typeof p.hits === 'string') {
      let faults = 0;
      for (let i = 0; i < k && i < p.hits.length; i++) {
        faults += p.hits[i] === 'F' ? 1 : 0;
      }
      return faults;
    }
    return p.steps.slice(0, k).filter(st => !st.hit).length;
  }

  function stepAt(p, i) {
    return p.steps[i - windowFrom()];
  }

  function refAt(i) {
    return result.references[i - windowFrom()];
  }

  function pageName(page) {
    return result.pageNames && result.pageNames[page] ? ' (' + result.pageNames[page] + ')' : '';
  }

  function totals() {
    const n = length();
    const best = Math.min(...result.policies.map(p => p.totals.faults));
    const whole = result.policies.some(p => p.wholeTrace);
    const head = ['policy', 'faults', 'hits', 'fault rate', 'write-backs', 'faults so far'].concat(whole ? ['whole trace'] : []);
    fill(ui.totals, h('div', {class: 'card'}, h('h3', null, plural(n, 'reference') + ', ' + plural(result.frames, 'frame')),
      result.string && source !== 'typed' ? h('p', {class: 'mono small muted string', title: result.string},
        result.string.length > 480 ? result.string.slice(0, result.string.lastIndexOf(' ', 480)) + ' …' : result.string) : null,
      h('table', {class: 'totals', id: 'repl-totals-table'},
        h('thead', null, h('tr', null, head.map(t => h('th', null, t)))),
        h('tbody', null, result.policies.map(p => {
          const w = p.wholeTrace;
          return h('tr', {data: {policy: p.name, faults: String(p.totals.faults)}, class: p.totals.faults === best ? 'best' : null},
            h('td', {class: 'mono'}, p.name), h('td', {class: 'num n-faults'}, num(p.totals.faults)),
            h('td', {class: 'num'}, num(p.totals.hits)),
            h('td', {class: 'num'}, p.totals.references ? (100 * p.totals.faults / p.totals.references).toFixed(1) + '%' : '—'),
            h('td', {class: 'num'}, num(p.totals.writeBacks)),
            h('td', {class: 'num so-far'}, num(faultsUpTo(p, position)) + ' of ' + num(position)),
            whole ? h('td', {class: 'num'}, !w ? '' : w.skipped ? h('span', {class: 'muted', title: w.skipped}, 'skipped')
              : num(w.faults) + ' of ' + num(w.references)) : null);
        })))));
  }

  function policyTable(p) {
    const from = windowFrom();
    const n = Math.min(windowTo() - from, MAX_COLUMNS);
    const frames = result.frames;
    const left = 70;
    const avail = (ui.tables.clientWidth || 900) - 36 - left;
    const col = Math.max(22, Math.min(44, Math.floor(avail / Math.max(1, n))));
    const rowH = 26;
    const top = 16;
    const rows = 1 + frames + 2;
    const width = left + n * col + 4;
    const height = top + rows * rowH + 6;
    const svg = s('svg', {id: 'repl-svg-' + p.name, class: 'repl-svg', width, height, viewBox: `0 0 ${width} ${height}`,
      'font-family': MONO, 'font-size': 12});
    const cur = position - 1 - from;
    if (cur >= 0 && cur < n) {
      svg.append(s('rect', {x: left + cur * col, y: 0, width: col, height, fill: CURRENT, class: 'current-col'}));
    }
    const label = (r, text) => svg.append(s('text', {x: left - 8, y: top + r * rowH + rowH / 2 + 4, 'text-anchor': 'end',
      fill: '#5d6b7a', 'font-family': FONT, 'font-size': 11}, text));
    label(0, 'reference');
    for (let f = 0; f < frames; f++) {
      label(1 + f, 'frame ' + f);
    }
    label(1 + frames, 'hit / fault');
    label(2 + frames, 'victim');
    svg.append(s('path', {d: `M${left} ${top + rowH}H${left + n * col}M${left} ${top + (1 + frames) * rowH}H${left + n * col}`,
      stroke: '#ced4da'}));
    for (let j = 0; j < n; j++) {
      const i = from + j;
      const x = left + j * col;
      const ref = refAt(i);
      const st = stepAt(p, i);
      const g = s('g', {class: 'col', 'data-index': i, 'data-hit': st ? String(st.hit) : '', opacity: i < position ? 1 : 0.18});
      if ((i + 1) % 5 === 0 || j === 0) {
        g.append(s('text', {x: x + col / 2, y: 10, 'text-anchor': 'middle', 'font-size': 9, fill: '#9aa5b1'}, String(i + 1)));
      }
      g.append(s('text', {x: x + col / 2, y: top + rowH / 2 + 5, 'text-anchor': 'middle', 'font-weight': 700, class: 'ref',
        fill: ref.write ? '#c2255c' : '#1d2530'}, String(ref.page) + (ref.write ? 'w' : '')));
      if (st) {
        const bits = new Map((st.bits || []).map(b => [b.page, b]));
        st.frames.forEach((page, f) => {
          const y = top + (1 + f) * rowH;
          const here = st.frame !== undefined ? st.frame === f : page === ref.page;
          const loaded = !st.hit && here;
          const hitHere = st.hit && here;
          g.append(s('rect', {x: x + 2, y: y + 2, width: col - 4, height: rowH - 4, rx: 3,
            fill: loaded ? FAULT_FILL : page < 0 ? '#ffffff' : '#f1f3f5',
            stroke: loaded ? FAULT_EDGE : hitHere ? HIT_EDGE : '#dee2e6', 'stroke-width': loaded || hitHere ? 1.5 : 1}));
          if (page >= 0) {
            g.append(s('text', {x: x + col / 2, y: y + rowH / 2 + 4, 'text-anchor': 'middle', class: 'page',
              fill: loaded ? '#a33a00' : '#1d2530', 'font-weight': loaded ? 700 : 400}, String(page)));
            const b = bits.get(page);
            if (b && b.referenced) {
              g.append(s('circle', {cx: x + 5.5, cy: y + 5.5, r: 1.7, fill: '#1c7ed6'}));
            }
            if (b && b.dirty) {
              g.append(s('circle', {cx: x + col - 5.5, cy: y + 5.5, r: 1.7, fill: '#c2255c'}));
            }
          }
        });
        const yh = top + (1 + frames) * rowH;
        g.append(s('text', {x: x + col / 2, y: yh + rowH / 2 + 5, 'text-anchor': 'middle', 'font-weight': 700,
          fill: st.hit ? HIT_EDGE : FAULT_EDGE}, st.hit ? '✓' : 'F'));
        if (st.victim !== null && st.victim !== undefined) {
          const yv = top + (2 + frames) * rowH;
          g.append(s('text', {x: x + col / 2, y: yv + rowH / 2 + 4, 'text-anchor': 'middle', fill: VICTIM,
            'text-decoration': 'line-through', class: 'victim'}, String(st.victim)));
          if (st.writtenBack) {
            g.append(s('text', {x: x + col / 2, y: yv + rowH - 1, 'text-anchor': 'middle', fill: VICTIM, 'font-size': 8}, 'wb'));
          }
        }
      }
      g.append(s('rect', {x, y: 0, width: col, height, fill: 'transparent', class: 'hot'}));
      g.addEventListener('mousemove', ev => showTip(ev, columnTip(p, i)));
      g.addEventListener('mouseleave', hideTip);
      g.addEventListener('click', () => ctx.goTo(i + 1));
      svg.append(g);
    }
    return svg;
  }

  /** The pages the victim's search looked at (a clock hand's path), as "0 A→0, 1". */
  function probeText(st) {
    if (!st.probes || st.probes.length === 0) {
      return '';
    }
    const shown = st.probes.map(pr => pr.page + (pr.referencedBefore ? ' A→0' : '')).join(', ');
    const more = st.probeCount > st.probes.length ? ' (' + num(st.probeCount) + ' in all)' : '';
    return 'looked at: ' + shown + more;
  }

  function columnTip(p, i) {
    const ref = refAt(i);
    const st = stepAt(p, i);
    const out = [h('div', {class: 'tip-title'}, p.name + ' · reference ' + (i + 1) + ': page ' + ref.page + pageName(ref.page)
      + (ref.write ? ' (write)' : '')),
    h('div', null, st.hit ? 'hit' : 'fault' + (st.victim !== null && st.victim !== undefined ? ', victim ' + st.victim
      + (st.writtenBack ? ' (dirty: written back)' : '') : '')),
    st.why ? h('div', {class: 'why'}, st.why) : null,
    probeText(st) ? h('div', {class: 'mono muted'}, probeText(st)) : null];
    if (st.candidates && st.candidates.length) {
      out.push(h('div', {class: 'mono muted'}, st.candidates.slice(0, 8).map(c => 'page ' + c.page
        + (c.referenced ? ' A' : '') + (c.dirty ? ' D' : '') + ' loaded ' + c.loadedAt + ' used ' + c.lastUse
        + (c.nextUse === null || c.nextUse === undefined ? '' : ' next ' + c.nextUse)).join('\n')));
    } else if (st.bits && st.bits.length) {
      out.push(h('div', {class: 'mono muted'}, st.bits.map(b => b.page + (b.referenced ? ' A' : '') + (b.dirty ? ' D' : ''))
        .join(' · ')));
    }
    return out;
  }

  function whyLine(p) {
    const i = position - 1;
    if (i < 0) {
      return h('p', {class: 'why-line muted', id: 'repl-why-' + p.name}, 'No reference yet: press → or click a column.');
    }
    const st = stepAt(p, i);
    const ref = refAt(i);
    if (!st || !ref) {
      return h('p', {class: 'why-line muted', id: 'repl-why-' + p.name}, '');
    }
    return h('p', {class: 'why-line', id: 'repl-why-' + p.name, data: {hit: String(st.hit)}},
      h('strong', null, (i + 1) + ': page ' + ref.page + (ref.write ? 'w' : '') + ' — ' + (st.hit ? 'hit' : 'fault')), ' ',
      st.why || '');
  }

  function tables() {
    const byName = new Map(known.map(k => [k.name, k]));
    const shown = windowTo() - windowFrom();
    fill(ui.tables, result.policies.map(p => {
      const info = byName.get(p.name);
      return h('div', {class: 'card policy-card', data: {policy: p.name}},
        h('div', {class: 'policy-head'}, h('h3', null, p.name),
          h('span', {class: 'muted'}, info && info.description ? info.description : ''),
          h('span', {class: 'policy-faults'}, plural(p.totals.faults, 'fault') + ' · ' + plural(p.totals.hits, 'hit')
            + (p.totals.writeBacks ? ' · ' + plural(p.totals.writeBacks, 'write-back') : ''))),
        h('div', {class: 'scroll-x'}, policyTable(p)),
        whyLine(p));
    }), shown < length() ? h('p', {class: 'muted'}, 'The tables show references ' + (windowFrom() + 1) + ' to ' + windowTo()
      + ' of ' + num(length()) + '; stepping past them fetches the next ones. The totals count all.') : null);
    scrollCurrent();
  }

  function scrollCurrent() {
    ui.tables.querySelectorAll('.scroll-x').forEach(box => {
      const colRect = box.querySelector('.current-col');
      if (colRect) {
        const x = Number(colRect.getAttribute('x'));
        if (x < box.scrollLeft + 60 || x > box.scrollLeft + box.clientWidth - 60) {
          box.scrollLeft = Math.max(0, x - box.clientWidth / 2);
        }
      }
    });
  }

  function draw() {
    if (!result) {
      fill(ui.totals, h('p', {class: 'muted empty'}, 'Run a reference string to compare policies.'));
      fill(ui.tables);
      return;
    }
    totals();
    tables();
    panel.dataset.position = String(position);
  }

  // ---------------------------------------------------------------- processes

  async function runProcesses() {
    clearErrors();
    const lines = ui.procRefs.value.split('\n').map(l => l.trim()).filter(Boolean);
    const base = {frames: Number(ui.procFrames.value), allocation: ui.procAllocation.value, policy: ui.procPolicy.value,
      quantum: Number(ui.procQuantum.value), minimum: Number(ui.procMinimum.value)};
    if (lines.length) {
      base.processes = lines;
    } else {
      base.random = {processes: Number(ui.procCount.value), length: Number(ui.procLength.value),
        pages: Number(ui.procPages.value), seed: Number(ui.procSeed.value)};
    }
    try {
      const [local, global] = await Promise.all([
        api('api/replacement/processes', {json: {...base, scope: 'local'}}),
        api('api/replacement/processes', {json: {...base, scope: 'global'}})]);
      drawProcesses(local, global, base.frames);
    } catch (e) {
      ui.procError.textContent = e.message;
      ui.procError.hidden = false;
    }
  }

  function drawProcesses(local, global, frames) {
    const total = ui.procCharts.clientWidth || panel.clientWidth || 900;
    const width = Math.max(300, (total >= 1000 ? Math.floor((total - 14) / 2) : total) - 32);
    const maxFaults = Math.max(1, ...[local, global].flatMap(r => r.samples.length
      ? r.samples[r.samples.length - 1].faults.reduce((a, b) => Math.max(a, b), 0) : 0));
    const block = (scope, r) => h('div', {class: 'card proc-card', data: {scope}},
      h('h3', null, scope === 'local' ? 'Local: each process replaces its own pages' : 'Global: any process\'s page may go'),
      areaChart(r, frames, width, scope), faultChart(r, maxFaults, width, scope),
      h('table', {class: 'totals'}, h('thead', null, h('tr', null, ['process', 'references', 'faults', 'write-backs']
        .map(t => h('th', null, t)))),
      h('tbody', null, r.processes.map(p => h('tr', {data: {pid: String(p.pid)}},
        h('td', null, swatch(procColor(p.pid)), ' ' + p.pid),
        h('td', {class: 'num'}, num(p.references)), h('td', {class: 'num'}, num(p.faults)), h('td', {class: 'num'}, num(p.writeBacks)))),
      r.totals ? h('tr', {class: 'total'}, h('td', null, 'all'), h('td', {class: 'num'}, num(r.totals.references || 0)),
        h('td', {class: 'num proc-total-faults'}, num(r.totals.faults || 0)), h('td', {class: 'num'}, num(r.totals.writeBacks || 0))) : null)));
    fill(ui.procCharts, block('local', local), block('global', global));
  }

  function procColor(pid) {
    return processColor(pid + 1);
  }

  /** A round step (1, 2 or 5 times a power of ten) that cuts max into about n parts. */
  function niceStep(max, n) {
    const raw = Math.max(1, max / n);
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }

  function axes(svg, left, top, w, hgt, tMax, yMax, yLabel) {
    const g = s('g', {'font-size': 10, fill: '#5d6b7a', 'font-family': FONT});
    const yStep = niceStep(yMax, 5);
    for (let v = 0; v <= yMax; v += yStep) {
      const y = top + hgt - hgt * v / yMax;
      g.append(s('path', {d: `M${left} ${y}H${left + w}`, stroke: '#edf0f3'}),
        s('text', {x: left - 6, y: y + 3.5, 'text-anchor': 'end'}, String(v)));
    }
    const tStep = niceStep(tMax, 5);
    for (let t = 0; t <= tMax; t += tStep) {
      g.append(s('text', {x: left + w * t / tMax, y: top + hgt + 14, 'text-anchor': 'middle'}, String(t)));
    }
    g.append(s('text', {x: 0, y: top - 6}, yLabel), s('path', {d: `M${left} ${top}V${top + hgt}H${left + w}`, stroke: '#adb5bd', fill: 'none'}));
    svg.append(g);
  }

  /** An empty chart of samples over time: its SVG, plot area and last time (tMax 0: no samples). */
  function chart(cls, scope, width, hgt, samples) {
    const left = 40;
    const top = 20;
    const svg = s('svg', {class: cls, id: cls + '-' + scope, width, height: top + hgt + 22, 'font-family': FONT});
    const tMax = samples.length ? Math.max(1, samples[samples.length - 1].t) : 0;
    return {svg, left, top, w: width - left - 12, hgt, tMax};
  }

  function areaChart(r, frames, width, scope) {
    const samples = r.samples;
    const c = chart('proc-area', scope, width, 150, samples);
    const tMax = c.tMax;
    if (!tMax) {
      return c.svg;
    }
    const n = samples[0].resident.length;
    const yMax = Math.max(frames, ...samples.map(x => x.resident.reduce((a, b) => a + b, 0)));
    axes(c.svg, c.left, c.top, c.w, c.hgt, tMax, yMax, 'resident pages (stacked) over time');
    const X = t => c.left + c.w * t / tMax;
    const Y = v => c.top + c.hgt - c.hgt * v / yMax;
    const lower = samples.map(() => 0);
    for (let p = 0; p < n; p++) {
      const upper = samples.map((x, i) => lower[i] + x.resident[p]);
      let d = '';
      samples.forEach((x, i) => {
        d += (i ? 'L' : 'M') + X(x.t).toFixed(1) + ' ' + Y(upper[i]).toFixed(1);
      });
      for (let i = samples.length - 1; i >= 0; i--) {
        d += 'L' + X(samples[i].t).toFixed(1) + ' ' + Y(lower[i]).toFixed(1);
      }
      c.svg.append(s('path', {d: d + 'Z', fill: procColor(p), 'fill-opacity': 0.8, stroke: procColor(p), 'stroke-width': 0.5,
        class: 'band', 'data-pid': p}));
      upper.forEach((v, i) => {
        lower[i] = v;
      });
    }
    c.svg.append(s('path', {d: `M${c.left} ${Y(frames)}H${c.left + c.w}`, stroke: '#495057', 'stroke-dasharray': '4 3'}),
      s('text', {x: c.left + c.w, y: Y(frames) - 4, 'text-anchor': 'end', 'font-size': 10, fill: '#495057'}, frames + ' frames'));
    return c.svg;
  }

  function faultChart(r, maxFaults, width, scope) {
    const samples = r.samples;
    const c = chart('proc-faults', scope, width, 90, samples);
    const tMax = c.tMax;
    if (!tMax) {
      return c.svg;
    }
    axes(c.svg, c.left, c.top, c.w, c.hgt, tMax, maxFaults, 'faults so far');
    const n = samples[0].faults.length;
    for (let p = 0; p < n; p++) {
      let d = '';
      samples.forEach((x, i) => {
        d += (i ? 'L' : 'M') + (c.left + c.w * x.t / tMax).toFixed(1) + ' '
          + (c.top + c.hgt - c.hgt * x.faults[p] / maxFaults).toFixed(1);
      });
      c.svg.append(s('path', {d, fill: 'none', stroke: procColor(p), 'stroke-width': 1.75}));
    }
    return c.svg;
  }

  // ---------------------------------------------------------------- exports

  function drawing() {
    const parts = result ? result.policies.map(p => {
      const el = document.getElementById('repl-svg-' + p.name);
      const wrap = s('svg', {width: el.getAttribute('width'), height: Number(el.getAttribute('height')) + 22, 'font-family': FONT});
      wrap.append(s('text', {x: 0, y: 14, 'font-size': 13, 'font-weight': 600, fill: '#1d2530'},
        p.name + ' — ' + plural(p.totals.faults, 'fault')));
      const inner = el.cloneNode(true);
      inner.setAttribute('y', '20');
      wrap.append(inner);
      return wrap;
    }) : [];
    panel.querySelectorAll('.proc-card svg').forEach(el => parts.push(el));
    if (result) {
      parts.push(legendSvg([{color: FAULT_FILL, stroke: FAULT_EDGE, label: 'page loaded by a fault'},
        {color: '#f1f3f5', stroke: HIT_EDGE, label: 'hit'}, {color: '#ffffff', stroke: VICTIM, label: 'victim (struck out; wb = written back)'}], 700));
    }
    if (parts.length === 0) {
      throw new Error('nothing to export yet: run a reference string first');
    }
    return stack('Replacement' + (result ? ': ' + plural(length(), 'reference') + ', '
      + plural(result.frames, 'frame') : ''), parts);
  }

  function csvRows() {
    if (!result) {
      throw new Error('nothing to export yet: run a reference string first');
    }
    const rows = [['policy', 'index', 'page', 'write', 'hit', 'frames', 'victim', 'written_back', 'why']];
    for (const p of result.policies) {
      p.steps.forEach((st, j) => {
        const i = windowFrom() + j;
        const ref = refAt(i);
        rows.push([p.name, i + 1, ref.page, ref.write, st.hit, st.frames.map(f => (f < 0 ? '-' : f)).join(' '),
          st.victim === null || st.victim === undefined ? '' : st.victim, st.writtenBack, st.why || '']);
      });
    }
    return {rows, name: 'replacement'};
  }

  const stepper = {
    count: () => length(),
    position: () => position,
    async goTo(k) {
      position = k;
      if (result) {
        try {
          await follow(k);
        } catch (e) {
          showError(e);
        }
        totals();
        tables();
        panel.dataset.position = String(position);
        ctx.sync();
      }
    },
    label: k => 'reference ' + k + ' of ' + length(),
    text: k => {
      if (!result || k === 0) {
        return result ? 'no reference yet' : 'run a reference string below';
      }
      const ref = refAt(k - 1);
      if (!ref) {
        return '';
      }
      return 'page ' + ref.page + (ref.write ? ' (write)' : '') + ': ' + result.policies.map(p => p.name + ' '
        + (p.hits ? (p.hits[k - 1] === 'H' ? 'hit' : 'fault') : (stepAt(p, k - 1).hit ? 'hit' : 'fault'))).join(', ');
    },
  };

  /**
   * A link may carry a comparison: #view=replacement&refs=7,0,1&frames=3&policies=fifo,lru&processes=1, or
   * trace=NAME&limit=N instead of refs.
   */
  async function fromHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    if (params.get('frames')) {
      ui.frames.value = params.get('frames');
    }
    if (params.get('policies')) {
      const wanted = params.get('policies').split(',');
      ui.policies.querySelectorAll('input').forEach(i => {
        i.checked = wanted.includes(i.value);
      });
    }
    if (params.get('refs')) {
      ui.refs.value = params.get('refs');
      await run();
    } else if (params.get('trace')) {
      source = 'trace';
      document.getElementById('repl-source-trace').checked = true;
      syncSource();
      ui.trace.value = params.get('trace');
      ui.limit.value = params.get('limit') || ui.limit.value;
      await run();
    }
    if (params.get('processes')) {
      await runProcesses();
    }
  }

  return {
    stepper,
    async update() {
      if (!policiesLoaded) {
        await loadPolicies();
        await fromHash();
      }
      draw();
    },

    resize() {
      draw();
    },
  };
}
