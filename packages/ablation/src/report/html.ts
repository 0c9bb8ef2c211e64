import { escapeHtml } from '@aira/report';
import { inlineHtml, type Block } from './blocks.js';

const STYLE = `
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: 1em 0 .3em; } th, td { border: 1px solid #ddd; padding: .3em .6em; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
p.caption { color: #555; font-size: .9em; margin-top: 0; }
.warn { background: #fff3f0; border-left: 4px solid #d9480f; padding: .5em 1em; }
.note { color: #666; font-size: .9em; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
code { font-size: .9em; }`;

const inline = (s: string) => inlineHtml(s, escapeHtml);

/** The report as one self-contained page (inline CSS, plots as inline SVG). */
export function renderBlocksHtml(
  title: string,
  blocks: readonly Block[],
  svgs: Readonly<Record<string, string>>,
): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'h1':
      case 'h2':
      case 'h3':
        out.push(`<${b.kind}>${inline(b.text)}</${b.kind}>`);
        break;
      case 'p':
        out.push(`<p${b.tone ? ` class="${b.tone}"` : ''}>${inline(b.text)}</p>`);
        break;
      case 'ul':
        out.push(`<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`);
        break;
      case 'table': {
        const head = `<tr>${b.head.map((h) => `<th>${inline(h)}</th>`).join('')}</tr>`;
        const rows = b.rows
          .map(
            (r) =>
              `<tr>${r.map((c, i) => `<td${b.align?.[i] === 'r' ? ' class="n"' : ''}>${inline(c)}</td>`).join('')}</tr>`,
          )
          .join('');
        out.push(
          `<table>${head}${rows}</table>${b.caption ? `<p class="caption">${inline(b.caption)}</p>` : ''}`,
        );
        break;
      }
      case 'plot':
        out.push(
          `<figure>${svgs[b.key] ?? `<img src="${escapeHtml(b.file)}" alt="${escapeHtml(b.alt)}">`}<figcaption><p class="caption">${inline(b.caption)}</p></figcaption></figure>`,
        );
        break;
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${out.join('\n')}
</body></html>
`;
}
