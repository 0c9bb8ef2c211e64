import { useEffect, useState } from 'preact/hooks';

/** Loads `load()` now and every `everyMs` (0: once) while the page is open; keeps the last good answer. */
export function usePoll(load, deps, everyMs = 2000) {
  const [state, setState] = useState({ data: null, error: null });
  useEffect(() => {
    let alive = true;
    let timer;
    const tick = async () => {
      try {
        const data = await load();
        if (alive) setState({ data, error: null });
      } catch (err) {
        if (alive) setState((s) => ({ data: s.data, error: err.message }));
      }
      if (alive && everyMs > 0) timer = setTimeout(tick, everyMs);
    };
    setState({ data: null, error: null });
    tick();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, deps);
  return state;
}
