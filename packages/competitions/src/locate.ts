/** Parses JSON with a one-line message carrying the line of a syntax error. */
export function parseJsonText(
  text: string,
): { ok: true; value: unknown } | { ok: false; message: string; line?: number } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    // Node's messages differ between versions and do not always give a position; find it ourselves.
    const at = jsonErrorOffset(text);
    const line = at === undefined ? undefined : text.slice(0, at).split('\n').length;
    const reason = (err as Error).message
      .split('\n')[0]!
      .replace(/, (\.\.\.)?"[\s\S]*$/, '')
      .replace(/\s*(in JSON )?at position \d+.*$/, '');
    return { ok: false, message: `not valid JSON: ${reason}`, line };
  }
}

/** Offset of the first JSON syntax error, by a small recursive-descent scan. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const lit = (word: string) => (text.startsWith(word, i) ? (i += word.length) : fail());
  const str = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (ch === '"') str();
    else if (ch === 't') lit('true');
    else if (ch === 'f') lit('false');
    else if (ch === 'n') lit('null');
    else {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m) fail();
      i += m![0].length;
    }
  };
  try {
    value();
    ws();
    return i < text.length ? i : undefined;
  } catch (err) {
    return err instanceof SyntaxAt ? Math.min(err.at, text.length) : undefined;
  }
}

/** Where the scan above found the first character that is not JSON. */
class SyntaxAt extends Error {
  constructor(readonly at: number) {
    super(`JSON syntax error at offset ${at}`);
  }
}
