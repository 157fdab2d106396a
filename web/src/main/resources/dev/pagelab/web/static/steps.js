// Steps: the scenario's event log. A timeline (one column a step: its outcome, the frames it
// changed, the free frames after it), the list of steps, and the current step in full: its text,
// result, note, failure, mismatches, what it changed, its MMU counters, its trace and details.

import {state, currentEvent, ownerColor, ownerLabel} from './store.js';
import {h, s, fill, hex, num, plural, showTip, hideTip, svgPoint, swatch, FONT} from './dom.js';
import {exportBar, stack} from './export.js';
import {legendSvg} from './legend.js';
import {sessionPath} from './api.js';
import {flagsOf} from './entries.js';

const OUTCOME = {
  'ok': {color: '#2f9e44', label: 'ok'},
  'expected-failure': {color: '#e8a33d', label: 'failed, as expected'},
  'failed': {color: '#e03131', label: 'failed'},
};

export function createStepsView(panel, ctx) {
  const ui = {
    timeline: h('div', {id: 'steps-timeline', class: 'timeline'}),
    list: h('div', {id: 'steps-list', class: 'steps-list'}),
    detail: h('div', {id: 'step-detail', class: 'step-detail'}),
  };
  let listFor = null;

  fill(panel,
    h('div', {class: 'view-head'}, h('h2', null, 'Steps'),
      h('p', {class: 'lede'}, 'Click a step to go there; ← and → step back and forward from anywhere.'),
      exportBar('steps', drawing, () => sessionPath(state.session, '/steps.csv', null), ctx.showError)),
    h('div', {class: 'card'}, ui.timeline),
    h('div', {class: 'split steps-split'}, h('div', {class: 'card list-card'}, ui.list), h('div', {class: 'card'}, ui.detail)));

  function outcome(o) {
    return OUTCOME[o] || {color: '#868e96', label: o};
  }

  function badge(o) {
    const x = outcome(o);
    return h('span', {class: ['badge', 'o-' + o]}, x.label);
  }

  function drawTimeline() {
    const steps = state.steps;
    const n = steps.length;
    const width = Math.max(360, ui.timeline.clientWidth || 900);
    const left = 8;
    const col = (width - left - 8) / Math.max(1, n + 1);
    const band = 14;
    const chartTop = 28;
    const chartH = 70;
    const height = chartTop + chartH + 24;
    const svg = s('svg', {id: 'steps-svg', width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': FONT, 'font-size': 10.5});
    const x = k => left + k * col;
    const free = steps.map(e => (e.fields && typeof e.fields['free-frames'] === 'number' ? e.fields['free-frames'] : null));
    const changed = steps.map(e => e.changes.frames.length);
    const known = free.filter(v => v !== null);
    const maxChanged = Math.max(1, ...changed);
    // outcome band: step 0 (booted) then one cell a step
    svg.append(s('rect', {x: x(0) + 0.5, y: 8, width: Math.max(1, col - 1), height: band, fill: '#adb5bd'}));
    steps.forEach((e, i) => svg.append(s('rect', {x: x(i + 1) + 0.5, y: 8, width: Math.max(1, col - 1), height: band,
      fill: outcome(e.outcome).color, class: 'step-cell', 'data-step': i + 1})));
    // bars: frames changed by the step
    steps.forEach((e, i) => {
      if (changed[i] > 0) {
        const hgt = Math.max(2, chartH * 0.45 * changed[i] / maxChanged);
        svg.append(s('rect', {x: x(i + 1) + col * 0.25, y: chartTop + chartH - hgt, width: Math.max(1, col * 0.5), height: hgt,
          fill: '#d6336c', 'fill-opacity': 0.55}));
      }
    });
    // line: free frames after each step
    if (known.length > 1) {
      const lo = Math.min(...known);
      const hi = Math.max(...known);
      const y = v => chartTop + 4 + (hi === lo ? chartH / 2 : (hi - v) / (hi - lo) * (chartH - 8));
      let d = '';
      free.forEach((v, i) => {
        if (v !== null) {
          d += (d ? 'L' : 'M') + (x(i + 1) + col / 2) + ' ' + y(v);
        }
      });
      svg.append(s('path', {d, fill: 'none', stroke: '#1c7ed6', 'stroke-width': 1.75}),
        s('text', {x: width - 8, y: chartTop + 10, 'text-anchor': 'end', fill: '#1c7ed6'}, 'free frames ' + num(lo) + '–' + num(hi)));
    }
    svg.append(s('text', {x: left, y: height - 6, fill: '#5d6b7a'}, 'booted'),
      s('text', {x: width - 8, y: height - 6, 'text-anchor': 'end', fill: '#5d6b7a'}, 'step ' + n),
      s('text', {x: width / 2, y: height - 6, 'text-anchor': 'middle', fill: '#d6336c'}, 'bars: frames the step changed'));
    const cx = x(state.step) + col / 2;
    svg.append(s('path', {d: `M${cx} 4V${chartTop + chartH + 2}`, stroke: '#111827', 'stroke-width': 1.5, class: 'cursor'}),
      s('path', {d: `M${cx - 5} 2L${cx + 5} 2L${cx} 8Z`, fill: '#111827'}));
    const at = ev => {
      return Math.max(0, Math.min(n, Math.floor((svgPoint(svg, ev).x - left) / col)));
    };
    svg.addEventListener('click', ev => ctx.goTo(at(ev)));
    svg.addEventListener('mousemove', ev => {
      const k = at(ev);
      const e = k > 0 ? steps[k - 1] : null;
      showTip(ev, h('div', {class: 'tip-title'}, k === 0 ? 'step 0: booted' : 'step ' + k + ': ' + e.text),
        e ? h('div', null, outcome(e.outcome).label + ' · ' + e.changes.summary) : null,
        e && free[k - 1] !== null ? h('div', {class: 'muted'}, num(free[k - 1]) + ' free frames after it') : null);
    });
    svg.addEventListener('mouseleave', hideTip);
    fill(ui.timeline, svg);
  }

  function drawList() {
    const rows = state.steps.map(e => h('tr', {data: {step: String(e.step)}, class: ['step-row', 'o-' + e.outcome],
      on: {click: () => ctx.goTo(e.step)}},
    h('td', {class: 'num mono'}, String(e.step)), h('td', {class: 'num mono muted'}, String(e.line)),
    h('td', {class: 'text mono', title: e.text}, e.text), h('td', null, badge(e.outcome)),
    h('td', {class: 'summary', title: e.changes.summary}, e.changes.summary === 'nothing changed' ? '' : e.changes.summary)));
    const booted = h('tr', {data: {step: '0'}, class: 'step-row', on: {click: () => ctx.goTo(0)}},
      h('td', {class: 'num mono'}, '0'), h('td', null, ''), h('td', {class: 'text'}, 'booted'), h('td', null, ''), h('td', null, ''));
    fill(ui.list, h('table', {class: 'steps'},
      h('colgroup', null, h('col', {class: 'c-num'}), h('col', {class: 'c-line'}), h('col', {class: 'c-text'}),
        h('col', {class: 'c-outcome'}), h('col', {class: 'c-summary'})),
      h('thead', null, h('tr', null, h('th', null, '#'), h('th', null, 'line'), h('th', null, 'step'), h('th', null, 'outcome'),
        h('th', null, 'changed'))),
      h('tbody', null, booted, rows)));
    listFor = state.session;
  }

  function markCurrent() {
    ui.list.querySelectorAll('tr.current').forEach(tr => tr.classList.remove('current'));
    const tr = ui.list.querySelector('tr[data-step="' + state.step + '"]');
    if (tr) {
      tr.classList.add('current');
      const box = ui.list.getBoundingClientRect();
      const r = tr.getBoundingClientRect();
      if (r.top < box.top || r.bottom > box.bottom) {
        ui.list.scrollTop += r.top - box.top - box.height / 3;
      }
    }
  }

  function section(title, id, ...children) {
    return h('section', {class: 'ev-section', id}, h('h4', null, title), children);
  }

  function pageState(p) {
    if (p.present) {
      return p.paddr + ' ' + flagsOf(p.flags);
    }
    return p.swapSlot >= 0 ? 'swap slot ' + p.swapSlot : 'nothing';
  }

  function changes(c) {
    const out = [h('p', null, c.summary)];
    if (c.frames.length) {
      out.push(h('ul', {class: 'changes-list'}, c.frames.slice(0, 30).map(f => h('li', null,
        h('button', {type: 'button', class: 'link mono', on: {click: () => ctx.showFrame(f.pfn)}}, 'frame ' + hex(f.pfn, 5)),
        ' ', swatch(ownerColor(f.before)), ' ', ownerLabel(f.before), ' → ', swatch(ownerColor(f.after)), ' ', ownerLabel(f.after)))),
      c.frames.length > 30 ? h('p', {class: 'muted'}, 'and ' + (c.frames.length - 30) + ' more frames') : null);
    }
    const pages = c.pages.map(p => [p.space, p.vaddr, (p.paddrBefore ? p.paddrBefore + ' ' + flagsOf(p.flagsBefore) : 'nothing')
      + ' → ' + (p.paddrAfter ? p.paddrAfter + ' ' + flagsOf(p.flagsAfter) : 'nothing')])
      .concat(c.processPages.map(p => [p.space, p.vaddr, pageState(p.before) + ' → ' + pageState(p.after)]));
    if (pages.length) {
      out.push(h('ul', {class: 'changes-list'}, pages.slice(0, 30).map(([sp, v, text]) => h('li', null,
        h('button', {type: 'button', class: 'link mono', on: {click: () => ctx.walk(sp, v)}}, sp + ' ' + v), ' ',
        h('span', {class: 'mono'}, text)))),
      pages.length > 30 ? h('p', {class: 'muted'}, 'and ' + (pages.length - 30) + ' more pages') : null);
    }
    if (c.tablesMade || c.tablesFreed) {
      out.push(h('p', null, 'page tables: +' + c.tablesMade + ' −' + c.tablesFreed));
    }
    const blocks = c.heapAllocated.map(b => ['kmalloc', b]).concat(c.heapFreed.map(b => ['kfree', b]));
    if (blocks.length) {
      out.push(h('ul', {class: 'changes-list heap', id: 'step-heap'}, blocks.map(([what, b]) => h('li', {class: what},
        h('span', {class: 'mono'}, what + ' ' + b.vaddr), ' ' + plural(b.bytes, 'byte')))));
    }
    return out;
  }

  function mmu(m) {
    if (!m) {
      return null;
    }
    const labels = {accesses: 'accesses', tlbHits: 'TLB hits', tlbMisses: 'TLB misses', walks: 'walks', faults: 'faults',
      invlpgs: 'INVLPGs', flushes: 'flushes'};
    return h('div', {class: 'mini-stats mono'}, Object.entries(labels)
      .map(([k, label]) => h('span', null, label + ' ', h('b', null, num(m[k])))));
  }

  function drawDetail() {
    const e = currentEvent();
    if (!e) {
      const sm = state.summary;
      fill(ui.detail, h('div', {class: 'step-head'}, h('span', {class: 'step-no'}, 'step 0'), h('strong', null, 'booted')),
        h('p', null, sm.title), h('pre', {class: 'description'}, sm.description || ''),
        h('p', {class: 'muted'}, plural(sm.stepsRun, 'step') + ' ran' + (sm.stopped ? ', of ' + sm.steps + ': the run stopped at a failure' : '')
          + '. Press → or ▶ to watch them.'));
      ui.detail.dataset.step = '0';
      return;
    }
    const parts = [
      h('div', {class: 'step-head'}, h('span', {class: 'step-no'}, 'step ' + e.step), badge(e.outcome),
        h('span', {class: 'muted'}, ' line ' + e.line)),
      h('div', {id: 'step-text', class: 'step-text mono'}, e.text),
      section('Result', 'step-result', h('div', {class: 'mono result'}, e.result || '—')),
    ];
    if (e.note) {
      parts.push(section('Note', 'step-note', h('p', {class: 'note'}, e.note)));
    }
    if (e.failure) {
      parts.push(section('Failure', 'step-failure', h('div', {class: ['failure', e.outcome === 'failed' ? 'bad' : 'expected']},
        h('strong', null, e.failure.kind), ': ', e.failure.message)));
    }
    if (e.mismatches && e.mismatches.length) {
      parts.push(section('Missed expectations', 'step-mismatches', h('ul', {class: 'mismatches'}, e.mismatches.map(m => h('li', null, m)))));
    }
    parts.push(section('What it changed', 'step-changes', changes(e.changes)));
    parts.push(section('MMU during the step', 'step-mmu', mmu(e.mmu)));
    parts.push(section('Event log', 'step-trace', e.trace.length
      ? h('ol', {class: 'trace mono'}, e.trace.map(t => h('li', null, t))) : h('p', {class: 'muted'}, 'no trace lines')));
    if (e.details && e.details.length) {
      parts.push(section('Details', 'step-details', h('pre', {class: 'details'}, e.details.join('\n'))));
    }
    fill(ui.detail, parts);
    ui.detail.dataset.step = String(e.step);
  }

  function drawing() {
    return stack('Steps of ' + (state.summary ? state.summary.title : ''), [document.getElementById('steps-svg'),
      legendSvg(Object.values(OUTCOME).map(o => ({color: o.color, label: o.label}))
        .concat([{color: '#1c7ed6', label: 'free frames'}, {color: '#e993b5', label: 'frames changed'}]), 700)]);
  }

  return {
    async update() {
      if (listFor !== state.session) {
        drawList();
      }
      drawTimeline();
      markCurrent();
      drawDetail();
    },
    resize() {
      drawTimeline();
    },
    sessionChanged() {
      listFor = null;
    },
  };
}
