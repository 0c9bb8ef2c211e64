/** The report as blocks, rendered to Markdown and to HTML alike (so both say the same). */
export type Block =
  | { kind: 'h1' | 'h2' | 'h3'; text: string; id?: string }
  | { kind: 'p'; text: string; tone?: 'warn' | 'ok' | 'note' }
  | { kind: 'ul'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][]; align?: Array<'l' | 'r'>; caption?: string }
  | { kind: 'plot'; key: 'prOverTime' | 'fig3' | 'testOverTime'; file: string; alt: string; caption: string };

/** Inline markup used in block text: **bold**, *italic* and `code` only. */
export function inlineHtml(text: string, escape: (s: string) => string): string {
  return escape(text)
    .replace(/\*\*(.+?)\*\*/g, '<b>$1</b>')
    .replace(/\*(.+?)\*/g, '<i>$1</i>')
    .replace(/`(.+?)`/g, '<code>$1</code>');
}
