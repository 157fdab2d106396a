// pagelab's page: loads a session (a scenario the server ran), keeps the step the page is at, and
// drives the five views. The control bar steps the scenario; on the Replacement tab it steps the
// reference string instead. Every look at the machine passes ?step=K, so each view shows the
// state after step K (0 = booted).
//
// The address bar's fragment keeps the tab and the step (#view=space&step=9&vaddr=0xC03FF000),
// so a view can be linked to and reloaded.

import {api, ApiError, sessionPath} from './api.js';
import {state, currentEvent} from './store.js';
import {h, fill, plural} from './dom.js';
import {createMemoryView} from './memory.js';
import {createSpaceView} from './space.js';
import {createTlbView} from './tlb.js';
import {createStepsView} from './steps.js';
import {createReplacementView} from './replace.js';

const $ = id => document.getElementById(id);

const ui = {
  title: $('scenario-title'),
  meta: $('scenario-meta'),
  sessions: $('session-select'),
  examples: $('example-select'),
  error: $('error'),
  errorText: $('error-text'),
  slider: $('ctl-slider'),
  label: $('ctl-label'),
  text: $('ctl-text'),
  play: $('ctl-play'),
  speed: $('ctl-speed'),
  yamlPanel: $('yaml-panel'),
  yamlText: $('yaml-text'),
  yamlFile: $('yaml-file'),
};

// ------------------------------------------------------------------ errors

function showError(message) {
  const text = message instanceof Error ? message.message : String(message);
  ui.errorText.textContent = text;
  ui.error.hidden = false;
  document.body.dataset.error = text;
}

function clearError() {
  ui.error.hidden = true;
  delete document.body.dataset.error;
}

$('error-close').addEventListener('click', clearError);

const ctx = {
  showError,
  clearError,
  goTo: k => requestPosition(k),
  sync: () => syncControls(),
  stepLabel,
  showFrame: async pfn => {
    await activate('memory');
    views.memory.showFrame(pfn);
  },
  walk: async (space, vaddr) => {
    await activate('space');
    views.space.walkTo(space, vaddr);
  },
};

// ------------------------------------------------------------------ views

const views = {
  memory: createMemoryView($('view-memory'), ctx),
  space: createSpaceView($('view-space'), ctx),
  tlb: createTlbView($('view-tlb'), ctx),
  steps: createStepsView($('view-steps'), ctx),
  replacement: createReplacementView($('view-replacement'), ctx),
};
let active = 'memory';
const stale = new Set(Object.keys(views));

/** The scenario's steps as the control bar drives them. */
const scenarioStepper = {
  count: () => (state.summary ? state.summary.stepsRun : 0),
  position: () => state.step,
  async goTo(k) {
    state.step = k;
    document.body.dataset.step = String(k);
    writeHash();
    Object.keys(views).forEach(v => stale.add(v));
    syncControls();
    await refresh();
  },
  label: k => stepLabel(k),
  text: k => (k === 0 ? 'booted: no step has run yet' : state.steps[k - 1].text),
};

function stepper() {
  return views[active].stepper || scenarioStepper;
}

function stepLabel(k) {
  return 'step ' + k + ' of ' + scenarioStepper.count();
}

async function refresh() {
  const name = active;
  const view = views[name];
  if (!state.session || !stale.has(name)) {
    return;
  }
  stale.delete(name);
  const stamp = state.session + ':' + state.step;
  try {
    await view.update();
    // what this update drew (tests wait for it); a later move draws and stamps again
    $('view-' + name).dataset.rendered = stamp;
  } catch (e) {
    stale.add(name);
    if (e instanceof ApiError && e.status === 404 && /no session/.test(e.message) && state.session !== 's1') {
      showError(e.message + ' — back to s1');
      await openSession('s1', 0);
      return;
    }
    showError(e);
  }
}

function activate(name) {
  if (!views[name]) {
    name = 'memory';
  }
  if (playing && views[name].stepper !== views[active].stepper) {
    setPlaying(false);
  }
  active = name;
  document.body.dataset.view = name;
  for (const key of Object.keys(views)) {
    const tab = $('tab-' + key);
    const selected = key === name;
    tab.setAttribute('aria-selected', String(selected));
    tab.classList.toggle('active', selected);
    tab.tabIndex = selected ? 0 : -1;
    $('view-' + key).hidden = !selected;
  }
  writeHash();
  syncControls();
  if (resized.has(name) && !stale.has(name) && views[name].resize) {
    views[name].resize();
  }
  resized.delete(name);
  return refresh();
}

document.querySelectorAll('.tabs [role=tab]').forEach(tab => {
  tab.addEventListener('click', () => activate(tab.dataset.view));
});

// ------------------------------------------------------------------ the control bar

function syncControls(pending) {
  const st = stepper();
  const n = st.count();
  const k = pending === undefined ? st.position() : pending;
  ui.slider.max = String(n);
  ui.slider.value = String(k);
  ui.slider.disabled = n === 0;
  ui.label.textContent = st.label(k);
  ui.text.textContent = st.text(k);
  ui.text.title = st.text(k);
  $('ctl-back').disabled = k <= 0;
  $('ctl-first').disabled = k <= 0;
  $('ctl-forward').disabled = k >= n;
  $('ctl-last').disabled = k >= n;
  const ev = st === scenarioStepper ? currentEvent() : null;
  ui.text.dataset.outcome = ev ? ev.outcome : '';
}

let target = null;
let moving = null;

/** Moves to position k (coalescing requests made while a move is under way). */
function requestPosition(k) {
  const st = stepper();
  target = Math.max(0, Math.min(st.count(), k));
  syncControls(target);
  if (!moving) {
    moving = (async () => {
      try {
        while (target !== null) {
          const t = target;
          target = null;
          await stepper().goTo(t);
        }
      } finally {
        moving = null;
      }
    })();
  }
  return moving;
}

let playing = false;

function setPlaying(on) {
  playing = on;
  ui.play.setAttribute('aria-label', on ? 'pause' : 'play');
  ui.play.classList.toggle('playing', on);
  if (on) {
    playLoop();
  }
}

async function playLoop() {
  if (stepper().position() >= stepper().count()) {
    await requestPosition(0);
  }
  while (playing) {
    const st = stepper();
    if (st.position() >= st.count()) {
      setPlaying(false);
      break;
    }
    const started = performance.now();
    await requestPosition(st.position() + 1);
    const wait = 1000 / Number(ui.speed.value) - (performance.now() - started);
    await new Promise(r => setTimeout(r, Math.max(0, wait)));
  }
}

$('ctl-first').addEventListener('click', () => requestPosition(0));
$('ctl-back').addEventListener('click', () => requestPosition(stepper().position() - 1));
$('ctl-forward').addEventListener('click', () => requestPosition(stepper().position() + 1));
$('ctl-last').addEventListener('click', () => requestPosition(stepper().count()));
ui.play.addEventListener('click', () => setPlaying(!playing));
ui.slider.addEventListener('input', () => requestPosition(Number(ui.slider.value)));

document.addEventListener('keydown', e => {
  const t = e.target;
  const typing = t instanceof HTMLInputElement && t.type !== 'range' || t instanceof HTMLTextAreaElement
    || t instanceof HTMLSelectElement || t.isContentEditable;
  if (typing || e.altKey || e.ctrlKey || e.metaKey) {
    return;
  }
  if (e.key === 'ArrowRight') {
    e.preventDefault();
    requestPosition(stepper().position() + 1);
  } else if (e.key === 'ArrowLeft') {
    e.preventDefault();
    requestPosition(stepper().position() - 1);
  } else if (e.key === 'Home') {
    e.preventDefault();
    requestPosition(0);
  } else if (e.key === 'End') {
    e.preventDefault();
    requestPosition(stepper().count());
  } else if (e.key === ' ' && !(t instanceof HTMLButtonElement)) {
    e.preventDefault();
    setPlaying(!playing);
  }
});

// ------------------------------------------------------------------ the fragment

function readHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  return Object.fromEntries(params.entries());
}

function writeHash() {
  const params = new URLSearchParams(readHash());
  params.set('view', active);
  if (state.session) {
    params.set('session', state.session);
  }
  params.set('step', String(state.step));
  const text = '#' + params.toString();
  if (location.hash !== text) {
    history.replaceState(null, '', text);
  }
}

// ------------------------------------------------------------------ sessions

async function openSession(id, step) {
  const [summary, log] = await Promise.all([api('api/sessions/' + encodeURIComponent(id)),
    api(sessionPath(id, '/steps', null))]);
  state.session = id;
  state.summary = summary;
  state.steps = log.steps;
  state.step = Math.max(0, Math.min(summary.stepsRun, step || 0));
  document.body.dataset.session = id;
  document.body.dataset.step = String(state.step);
  header();
  await listSessions();
  Object.values(views).forEach(v => v.sessionChanged && v.sessionChanged());
  Object.keys(views).forEach(v => stale.add(v));
  writeHash();
  syncControls();
  await refresh();
}

function header() {
  const sm = state.summary;
  ui.title.textContent = sm.title;
  ui.title.title = sm.description || sm.title;
  const stopped = sm.stopped ? ' — stopped after ' + sm.stepsRun + ' of ' + sm.steps + ' steps' : '';
  fill(ui.meta, h('span', {class: 'mono'}, sm.source), ' · ', sm.machine.replace(/^machine /, ''), ' · ',
    sm.allocator + ' allocator · ', plural(sm.steps, 'step'), stopped);
}

async function listSessions() {
  const list = await api('api/sessions');
  fill(ui.sessions, list.map(x => h('option', {value: x.id, selected: x.id === state.session},
    x.id + ': ' + x.title)));
}

ui.sessions.addEventListener('change', () => guarded(() => openSession(ui.sessions.value, 0)));

async function guarded(fn) {
  try {
    clearError();
    await fn();
  } catch (e) {
    showError(e);
  }
}

$('example-load').addEventListener('click', () => guarded(async () => {
  const name = ui.examples.value;
  if (!name) {
    return;
  }
  const summary = await api('api/examples/' + encodeURIComponent(name), {method: 'POST'});
  setPlaying(false);
  await openSession(summary.id, 0);
}));

$('yaml-toggle').addEventListener('click', () => {
  ui.yamlPanel.hidden = !ui.yamlPanel.hidden;
  $('yaml-toggle').setAttribute('aria-expanded', String(!ui.yamlPanel.hidden));
  if (!ui.yamlPanel.hidden) {
    ui.yamlText.focus();
  }
});
$('yaml-close').addEventListener('click', () => {
  ui.yamlPanel.hidden = true;
  $('yaml-toggle').setAttribute('aria-expanded', 'false');
});

let yamlName = 'scenario.yaml';
ui.yamlFile.addEventListener('change', async () => {
  const file = ui.yamlFile.files[0];
  if (!file) {
    return;
  }
  const limit = state.info ? state.info.limits.maxBodyBytes : 262144;
  if (file.size > limit) {
    showError(file.name + ' is ' + file.size + ' bytes; the server takes at most ' + limit);
    return;
  }
  yamlName = file.name;
  ui.yamlText.value = await file.text();
});
ui.yamlText.addEventListener('input', () => {
  if (!ui.yamlFile.value) {
    yamlName = 'scenario.yaml';
  }
});

$('yaml-run').addEventListener('click', () => guarded(async () => {
  const text = ui.yamlText.value;
  if (!text.trim()) {
    showError('the scenario is empty: paste YAML or choose a file');
    return;
  }
  const summary = await api('api/scenario?name=' + encodeURIComponent(yamlName), {body: text, type: 'application/yaml; charset=utf-8'});
  setPlaying(false);
  ui.yamlPanel.hidden = true;
  $('yaml-toggle').setAttribute('aria-expanded', 'false');
  await openSession(summary.id, 0);
}));

const resized = new Set();
let lastWidth = 0;
new ResizeObserver(entries => {
  const w = Math.round(entries[0].contentRect.width);
  if (w !== lastWidth && lastWidth !== 0) {
    window.dispatchEvent(new Event('resize'));
  }
  lastWidth = w;
}).observe(document.querySelector('main'));
let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    Object.keys(views).forEach(v => resized.add(v));
    resized.delete(active);
    const v = views[active];
    if (v.resize && !stale.has(active)) {
      v.resize();
    }
  }, 150);
});

// ------------------------------------------------------------------ start

async function start() {
  try {
    state.info = await api('api/info');
    fill(ui.examples, state.info.examples.map(x => h('option', {value: x.name}, x.name.replace(/\.ya?ml$/, ''))));
    const hash = readHash();
    // the server's own scenario (s1) unless the link names another session
    const listed = state.info.sessions.map(x => x.id);
    const first = hash.session || (listed.includes('s1') || listed.length === 0 ? 's1' : listed[0]);
    await activate(views[hash.view] ? hash.view : 'memory');
    try {
      await openSession(first, Number(hash.step) || 0);
    } catch (e) {
      if (first === 's1') {
        throw e;
      }
      showError(e.message + ' — showing s1');
      await openSession('s1', 0);
    }
    if (hash.vaddr && active === 'space') {
      await views.space.walkTo(hash.space || null, hash.vaddr);
    }
    document.body.dataset.ready = 'true';
  } catch (e) {
    showError(e);
    document.body.dataset.ready = 'failed';
  }
}

start();
