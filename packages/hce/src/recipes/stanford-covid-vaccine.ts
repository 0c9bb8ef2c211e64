import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { splitRng } from '../rng.js';
import type { HiddenPart } from '../split/labelled.js';
import { HIDDEN_PARTS } from '../split/labelled.js';
import type { Splitter } from '../split/types.js';
import { counts, jsonLines, sourceFile, whereOf, writeTable } from './common.js';

const TARGETS = ['reactivity', 'deg_Mg_pH10', 'deg_pH10', 'deg_Mg_50C', 'deg_50C'] as const;
const INPUT_FIELDS = [
  'index',
  'id',
  'sequence',
  'structure',
  'predicted_loop_type',
  'seq_length',
  'seq_scored',
] as const;

/** pandas' float_format="%.10f". */
const f10 = (x: unknown) => Number(x).toFixed(10);

/**
 * stanford-covid-vaccine (docs/hce-recipes.md): a sequence is the unit. As MLE-bench does, each
 * hidden part has round(fraction × all sequences) sequences drawn only among SN_filter = 1 rows;
 * `index` is renumbered 0..n-1 in every file; hidden inputs are JSON Lines with test.json's fields;
 * answers are melted to `<id>_<pos>` rows over seq_length positions (0.0 and keep=False past
 * seq_scored), floats written with 10 decimals.
 */
export const stanfordCovidVaccineSplitter: Splitter = async (ctx) => {
  const where = whereOf(ctx);
  const file = sourceFile(ctx, 'train.json');
  const rows: Array<{ id: string; sn: boolean; text: string }> = [];
  for await (const { record, text, line } of jsonLines(file)) {
    if (typeof record['id'] !== 'string') throw new ConfigError(`${file}:${line}: no string "id"`);
    rows.push({ id: record['id'], sn: Number(record['SN_filter']) > 0, text });
  }
  const eligible = rows.map((r, i) => (r.sn ? i : -1)).filter((i) => i >= 0);
  const want = {
    search: Math.max(1, Math.round(rows.length * ctx.fractions.search)),
    validation: Math.max(1, Math.round(rows.length * ctx.fractions.validation)),
  };
  if (eligible.length < want.search + want.validation)
    throw new ConfigError(
      `${where}: ${eligible.length} sequences have SN_filter = 1, fewer than the ${want.search + want.validation} the hidden parts need`,
    );
  const order = splitRng(ctx.seed, 'stanford-covid-vaccine').shuffle(eligible.slice());
  const part = new Map<number, HiddenPart>();
  order.slice(0, want.search).forEach((i) => part.set(i, 'search'));
  order.slice(want.search, want.search + want.validation).forEach((i) => part.set(i, 'validation'));

  const train = rows.filter((_, i) => !part.has(i));
  writeFileSync(
    join(ctx.outPublic, 'train.json'),
    train.map((r, k) => r.text.replace(/^\{"index":\s*-?\d+/, `{"index":${k}`)).join('\n') + '\n',
  );
  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const inputs = { search: [] as string[], validation: [] as string[] };
  const melted: Record<string, number> = {};
  for (const p of HIDDEN_PARTS) {
    const recs = rows
      .filter((_, i) => part.get(i) === p)
      .map((r) => JSON.parse(r.text) as Record<string, unknown>);
    inputs[p].push(`${p}.json`);
    writeFileSync(
      join(ctx.outPublic, `${p}.json`),
      recs
        .map((r, k) =>
          JSON.stringify(Object.fromEntries(INPUT_FIELDS.map((f) => [f, f === 'index' ? k : r[f]]))),
        )
        .join('\n') + '\n',
    );
    const out: string[][] = [];
    for (const r of recs) {
      const scored = Number(r['seq_scored']);
      const length = Number(r['seq_length']);
      for (let j = 0; j < length; j++) {
        out.push([
          `${String(r['id'])}_${j}`,
          ...TARGETS.map((t) => (j < scored ? f10((r[t] as unknown[])[j]) : f10(0))),
          j < scored ? 'True' : 'False',
        ]);
      }
    }
    answers[p] = join(ctx.outHidden, `${p}.csv`);
    melted[p] = await writeTable(answers[p], ['id_seqpos', ...TARGETS, 'keep'], out);
    samples[p] = `sample_submission_${p}.csv`;
    await writeTable(
      join(ctx.outPublic, samples[p]),
      ['id_seqpos', ...TARGETS],
      out.map((o) => [o[0]!, ...TARGETS.map(() => f10(0))]),
    );
  }
  const n = (p: HiddenPart) => [...part.values()].filter((x) => x === p).length;
  return {
    answers,
    inputs,
    samples,
    skip: ['train.json'],
    hidden: { keys: new Set([...part.keys()].map((i) => rows[i]!.id)), keyColumns: ['id'] },
    counts: counts(train.length, n('search'), n('validation'), {
      search: melted['search'],
      validation: melted['validation'],
    }),
    method:
      'sequences drawn at random among SN_filter = 1 rows (round(fraction × all sequences) per hidden part), as MLE-bench draws its test; answers melted to id_seqpos',
  };
};
