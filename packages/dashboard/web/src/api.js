import { html } from 'htm/preact';
// The dashboard's JSON API (same origin; the token, when one is needed, travels as a cookie).
export async function api(path, params = {}) {
  const q = new URLSearchParams(params).toString();
  const res = await fetch(`api/${path}${q ? `?${q}` : ''}`, { credentials: 'same-origin' });
  const body = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
  if (!res.ok) throw new Error(body.error ?? `${res.status}`);
  return body;
}

export const fmt = (x, digits = 5) =>
  x === null || x === undefined ? '—' : Number.isInteger(x) ? String(x) : Number(x).toPrecision(digits);
export const pct = (x) => (x === null || x === undefined ? '—' : `${x.toFixed(1)}`);
export function dur(ms) {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
export const medal = (m) => (m ? html`<span class=${`medal ${m}`}>${m}</span>` : '—');
export const href = (...parts) => `#/${parts.map(encodeURIComponent).join('/')}`;
