/** Head and tail of a long text, a third and two thirds of `max` (tracebacks and final scores sit at the end). */
export function clip(text: string, max: number, where?: string): { text: string; clipped: boolean } {
  if (text.length <= max) return { text, clipped: false };
  const head = Math.floor(max / 3);
  const tail = max - head;
  const cut = text.length - head - tail;
  const marker = `\n[... ${cut} characters cut${where ? `; the full output is in ${where}` : ''} ...]\n`;
  return { text: text.slice(0, head) + marker + text.slice(text.length - tail), clipped: true };
}
