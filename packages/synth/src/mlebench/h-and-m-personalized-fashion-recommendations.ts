import { join } from 'node:path';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';

/** The fixed prediction of Kaggle's sample submission (12 zero-padded article ids). */
const SAMPLE =
  '0706016001 0706016002 0372860001 0610776002 0759871002 0464297007 0372860002 0610776001 0399223001 0706016003 0720125001 0156231001';
const DAY = 86_400_000;

/**
 * h-and-m-personalized-fashion-recommendations (docs/hce-recipes.md): transactions_train.csv
 * (`t_dat`, `customer_id`, `article_id` written as an integer, i.e. without the leading zero, as
 * MLE-bench's pandas rewrite leaves it, `price`, `sales_channel_id`) up to the day before the
 * test window; articles.csv and images/<3-digit prefix>/ with zero-padded ids; customers.csv;
 * Kaggle's sample submission (every customer, one fixed string); answers = the buyers of the last
 * 8 days with their article ids space-joined. `size` = train transactions.
 */
export const handmFashion: SynthWriter = ({ root, rng, size }) => {
  const customers = Array.from({ length: Math.max(12, Math.round(size / 6)) }, () => rng.hex(64));
  const articles = Array.from(
    { length: Math.max(10, Math.round(size / 8)) },
    () => `0${100_000_000 + rng.int(800_000_000)}`,
  );
  const start = Date.parse('2020-08-01T00:00:00Z');
  const days = 40;
  const tx = (d: number) => [
    new Date(start + d * DAY).toISOString().slice(0, 10),
    rng.pick(customers),
    String(Number(rng.pick(articles))),
    rng.decimal(0.005, 0.1, 16),
    1 + rng.int(2),
  ];
  const train = Array.from({ length: size }, () => tx(rng.int(days))).sort((a, b) =>
    a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0,
  );
  // MLE-bench's test: the 8 days after the public history.
  const test = Array.from({ length: Math.max(6, Math.round(size / 10)) }, () => tx(days + rng.int(8)));
  writeCsv(
    join(root, 'public/transactions_train.csv'),
    ['t_dat', 'customer_id', 'article_id', 'price', 'sales_channel_id'],
    train,
  );
  writeCsv(
    join(root, 'public/articles.csv'),
    ['article_id', 'product_code', 'prod_name', 'product_type_name', 'colour_group_name'],
    articles.map((a) => [
      a,
      a.slice(0, 7),
      `Item ${a.slice(-4)}`,
      rng.pick(['Trousers', 'Sweater', 'Dress']),
      rng.pick(['Black', 'White', 'Blue']),
    ]),
  );
  writeCsv(
    join(root, 'public/customers.csv'),
    ['customer_id', 'FN', 'Active', 'club_member_status', 'fashion_news_frequency', 'age', 'postal_code'],
    customers.map((c) => [c, '', '', 'ACTIVE', 'NONE', 18 + rng.int(60), rng.hex(64)]),
  );
  for (const a of articles.slice(0, Math.ceil(articles.length / 2)))
    writeFile(
      join(root, 'public/images', a.slice(0, 3), `${a}.jpg`),
      Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, rng.int(256), rng.int(256), 0xff, 0xd9]),
    );
  writeCsv(
    join(root, 'public/sample_submission.csv'),
    ['customer_id', 'prediction'],
    customers.map((c) => [c, SAMPLE]),
  );
  const buyers = new Map<string, string[]>();
  for (const t of test)
    (buyers.get(String(t[1])) ?? buyers.set(String(t[1]), []).get(String(t[1]))!).push(String(t[2]));
  writeCsv(
    join(root, 'private/answers.csv'),
    ['customer_id', 'prediction'],
    [...buyers].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([c, a]) => [c, a.join(' ')]),
  );
};
