// The JSON API: every call goes through api(), which turns the server's {status, error} answers
// (and network failures) into an ApiError with the server's message, and counts calls in flight
// in body[data-busy] so that tests and the spinner know when the page is idle.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let busy = 0;

function setBusy(delta) {
  busy += delta;
  document.body.dataset.busy = String(busy);
  document.body.classList.toggle('busy', busy > 0);
}

/**
 * Calls the API. opts: {method, json (a value sent as JSON), body (text), type}.
 * Resolves to the parsed JSON; rejects with ApiError.
 */
export async function api(path, opts = {}) {
  const init = {method: opts.method || 'GET', headers: {Accept: 'application/json'}};
  if (opts.json !== undefined) {
    init.method = opts.method || 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.json);
  } else if (opts.body !== undefined) {
    init.method = opts.method || 'POST';
    init.headers['Content-Type'] = opts.type || 'text/plain; charset=utf-8';
    init.body = opts.body;
  }
  setBusy(1);
  try {
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'cannot reach the server (' + e.message + '): is pagelab serve still running?');
    }
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = null;
    }
    if (!res.ok) {
      const message = data && typeof data.error === 'string' ? data.error
          : res.status + ' ' + res.statusText + (text ? ': ' + text.slice(0, 200) : '');
      throw new ApiError(res.status, message);
    }
    if (data === null) {
      throw new ApiError(res.status, init.method + ' ' + path + ' answered without JSON');
    }
    return data;
  } finally {
    setBusy(-1);
  }
}

/** The path of a session's endpoint, with ?step=K (and more query parameters) appended. */
export function sessionPath(session, tail, step, query = {}) {
  const params = new URLSearchParams();
  if (step !== null && step !== undefined) {
    params.set('step', String(step));
  }
  for (const [k, v] of Object.entries(query)) {
    if (v !== null && v !== undefined) {
      params.set(k, String(v));
    }
  }
  const q = params.toString();
  return 'api/sessions/' + encodeURIComponent(session) + tail + (q ? '?' + q : '');
}
