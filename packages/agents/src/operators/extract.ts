/**
 * The script in a single-turn reply (AIRA-dojo: plan, then one code block). The longest block
 * tagged python (or py) wins, else the longest untagged one; a block the reply never closed (cut
 * at the token limit) still counts, so the failure is seen when it runs.
 */
export function extractCode(reply: string): { code: string; plan: string } | null {
  const blocks: Array<{ lang: string; code: string; start: number }> = [];
  const fence = /^[ \t]*```[ \t]*([\w+-]*)[^\n]*\n/gm;
  let m: RegExpExecArray | null;
  let from = 0;
  while (((fence.lastIndex = from), (m = fence.exec(reply)))) {
    const bodyStart = m.index + m[0].length;
    const close = /^[ \t]*```[ \t]*$/gm;
    close.lastIndex = bodyStart;
    const end = close.exec(reply);
    blocks.push({
      lang: m[1]!.toLowerCase(),
      code: reply.slice(bodyStart, end ? end.index : reply.length),
      start: m.index,
    });
    if (!end) break;
    from = end.index + end[0].length;
  }
  const longest = (xs: typeof blocks) =>
    xs.reduce<(typeof blocks)[number] | undefined>(
      (a, b) => (!a || b.code.length > a.code.length ? b : a),
      undefined,
    );
  const pick =
    longest(blocks.filter((b) => b.lang === 'python' || b.lang === 'py')) ??
    longest(blocks.filter((b) => b.lang === ''));
  if (!pick || pick.code.trim() === '') return null;
  return { code: pick.code.replace(/\s+$/, '') + '\n', plan: reply.slice(0, blocks[0]!.start).trim() };
}
