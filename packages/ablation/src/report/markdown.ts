import type { Block } from './blocks.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderBlocksMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'h1':
        out.push(`# ${b.text}`);
        break;
      case 'h2':
        out.push(`## ${b.text}`);
        break;
      case 'h3':
        out.push(`### ${b.text}`);
        break;
      case 'p':
        out.push(b.tone === 'warn' ? `> ${b.text}` : b.tone === 'note' ? `*${b.text}*` : b.text);
        break;
      case 'ul':
        out.push(b.items.map((i) => `- ${i}`).join('\n'));
        break;
      case 'table': {
        const align = b.head.map((_, i) => (b.align?.[i] === 'r' ? '---:' : '---'));
        const lines = [
          `| ${b.head.map(cell).join(' | ')} |`,
          `|${align.join('|')}|`,
          ...b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
        ];
        if (b.caption) lines.push('', b.caption);
        out.push(lines.join('\n'));
        break;
      }
      case 'plot':
        out.push(`![${b.alt}](${b.file})\n\n${b.caption}`);
        break;
    }
  }
  return `${out.join('\n\n')}\n`;
}
