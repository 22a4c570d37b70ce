// The page's whole state is one object, written to the URL on every change and read back on load,
// so a copied address reopens the same setup (as TensorFlow Playground's state.ts does).

/**
 * {x: 2, W: [[1, 2], [3, 4]]} → `x=2,W=[[1,2],[3,4]]`, the command line's --at syntax; the server
 * reads it back with the command line's own reader (the page never parses it).
 */
export function formatPoint(at) {
  return Object.entries(at).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
}

export function readUrl() {
  const q = new URLSearchParams(location.search);
  const params = {};
  for (const [k, v] of q) params[k] = v;
  return params;
}

/** Replaces the address with `params` (no new history entry: dragging a slider is not navigation). */
export function writeUrl(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const url = `${location.pathname}?${q.toString().replace(/%2C/g, ',').replace(/%3D/g, '=').replace(/%5B/g, '[').replace(/%5D/g, ']')}`;
  history.replaceState(null, '', url);
}

/** POST a JSON body; resolves to the JSON answer, or rejects with the server's {"error"} message. */
export async function post(path, body) {
  const r = await fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
  const json = await r.json().catch(() => ({error: `${path}: HTTP ${r.status}`}));
  if (!r.ok) throw new Error(json.error || `${path}: HTTP ${r.status}`);
  return json;
}

/** A number as the tables show it: every digit JavaScript keeps. */
export function full(v) {
  return v === null || v === undefined ? '—' : String(v);
}
