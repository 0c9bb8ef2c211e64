import { join } from 'node:path';
import { ConfigError } from '@aira/core';
import { dayOf, HIDDEN_PARTS, type HiddenPart } from '../split/labelled.js';
import { linkOrCopy } from '../split/files.js';
import type { Splitter } from '../split/types.js';
import { partitionCsv, scanCsv, sourceFile, whereOf, writeTable } from './common.js';

const FILE = 'transactions_train.csv';

/**
 * h-and-m-personalized-fashion-recommendations (docs/hce-recipes.md): a time window, not a row
 * split. MLE-bench's test is every transaction dated on or after (last date − 7 days); here
 * validation is that window of the public transactions, search the same-length window before it,
 * train everything earlier (split.unit.window; fractions do not apply). Answers are the window's
 * buyers, sorted by customer, with their article ids space-joined in file order and written
 * without leading zeros, as MLE-bench writes them. The sample is the competition's own (every
 * customer), as MLE-bench ships Kaggle's.
 */
export const handmSplitter: Splitter = async (ctx) => {
  const c = ctx.competition;
  const where = whereOf(ctx);
  const unit = c.manifest.split.unit;
  if (unit.by !== 'time')
    throw new ConfigError(
      `${where}.unit: the h-and-m recipe needs a time window ({ by: "time", column, window })`,
    );
  const window = Number(unit.window.replace(/d$/, ''));
  const file = sourceFile(ctx, FILE);
  let last = -Infinity;
  const header = await scanCsv(file, (cells, line, h) => {
    const d = dayOf(cells[h.require(unit.column, `${where}.unit.column`)]!);
    if (!Number.isFinite(d)) throw new ConfigError(`${file}:${line}: "${unit.column}" is not a date`);
    if (d > last) last = d;
  });
  const tIdx = header.require(unit.column, `${where}.unit.column`);
  const cIdx = header.require('customer_id', `${where}.id`);
  const aIdx = header.require('article_id', `${where}.label`);
  const split = await partitionCsv(file, join(ctx.outPublic, FILE), (cells) => {
    const d = dayOf(cells[tIdx]!);
    return d > last - window ? 'validation' : d > last - 2 * window ? 'search' : 'train';
  });
  const answers = {} as Record<HiddenPart, string>;
  const samples = {} as Record<HiddenPart, string>;
  const buyers: Record<string, number> = {};
  for (const p of HIDDEN_PARTS) {
    if (split.hidden[p].length === 0)
      throw new ConfigError(`${where}: the ${p} window (${window} days) has no transactions in ${file}`);
    const bought = new Map<string, string[]>();
    for (const r of split.hidden[p])
      (bought.get(r[cIdx]!) ?? bought.set(r[cIdx]!, []).get(r[cIdx]!)!).push(
        r[aIdx]!.replace(/^0+(?=\d)/, ''),
      );
    const rows = [...bought]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([cust, arts]) => [cust, arts.join(' ')]);
    buyers[p] = rows.length;
    answers[p] = join(ctx.outHidden, `${p}.csv`);
    await writeTable(answers[p], ['customer_id', 'prediction'], rows);
    samples[p] = `sample_submission_${p}.csv`;
    linkOrCopy(c.paths.sampleSubmission, join(ctx.outPublic, samples[p]));
  }
  return {
    answers,
    inputs: { search: [], validation: [] },
    samples,
    skip: [FILE],
    hidden: null,
    counts: {
      train: { rows: split.train, units: split.train },
      search: { rows: split.hidden.search.length, units: buyers['search']! },
      validation: { rows: split.hidden.validation.length, units: buyers['validation']! },
    },
    method: `time windows of ${window} days on ${unit.column}: validation = the last, search = the one before, train = earlier; answers = each window's buyers`,
  };
};
