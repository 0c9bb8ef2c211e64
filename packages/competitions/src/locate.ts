import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/**
 * Maps a field path to a 1-based line in a JSON or YAML text (JSON is YAML 1.2, so one parser
 * serves both). A path that does not exist (a missing required field) lands on the deepest
 * object that does, which is where the field has to be added.
 */
export function lineOf(text: string, path: ReadonlyArray<PropertyKey>): number | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false });
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === String(seg));
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/** Parses JSON with a one-line message carrying the line of a syntax error. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; message: string; line?: number } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const message = (err as Error).message;
    const pos = /position (\d+)/.exec(message);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    return { ok: false, message: `not valid JSON: ${message.replace(/\s*\(line \d+ column \d+\)/, '')}`, line };
  }
}
