import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * An exec's output as it arrives (server-sent events). The browser's EventSource reconnects by
 * itself and sends the id of the last event it saw (a byte offset), so the server resumes exactly
 * there; a reload starts from the beginning of the stored log.
 */
export function LogView({ study, run, exec }) {
  const pre = useRef(null);
  const [state, setState] = useState('connecting');
  useEffect(() => {
    if (!pre.current) return undefined;
    pre.current.textContent = '';
    // The last 256 KB of a long log, then everything that follows.
    const q = new URLSearchParams({ id: study, run, exec, tail: String(256 * 1024) });
    const es = new EventSource(`api/log?${q}`);
    es.onopen = () => setState('live');
    es.onmessage = (e) => {
      const el = pre.current;
      if (!el) return;
      const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
      el.append(document.createTextNode(JSON.parse(e.data)));
      el.dataset.offset = e.lastEventId;
      if (atBottom) el.scrollTop = el.scrollHeight;
    };
    es.addEventListener('skipped', (e) =>
      pre.current?.append(
        document.createTextNode(`[… ${JSON.parse(e.data).bytes} earlier bytes not shown …]\n`),
      ),
    );
    es.addEventListener('reset', () => pre.current && (pre.current.textContent = ''));
    es.addEventListener('end', () => {
      es.close();
      setState('ended');
    });
    es.onerror = () => setState((s) => (s === 'ended' ? s : 'reconnecting'));
    return () => es.close();
  }, [study, run, exec]);
  return html`<div class="log">
    <div class="muted">
      output of ${exec} <span class=${`badge ${state}`} data-testid="log-state">${state}</span>
    </div>
    <pre data-testid="log" ref=${pre}></pre>
  </div>`;
}
