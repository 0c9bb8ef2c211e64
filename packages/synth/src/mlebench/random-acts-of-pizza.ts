import { writeCsv, writeFile, writeZip } from '../write.js';
import type { SynthWriter } from '../types.js';
import { hexIds, paths, sentence, testCount, WORDS } from './common.js';

/**
 * train.json / test.json (lists of request objects, indented 4; the test objects carry only the
 * fields Kaggle's test had, so no label and no `_at_retrieval` counts), the same zipped as
 * train.zip / test.zip; answers private/test.csv (request_id, requester_received_pizza 0/1).
 */
export const randomActsOfPizza: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const request = (id: string) => {
    const got = rng.float() < 0.25;
    const t = 1_300_000_000 + rng.int(60_000_000);
    return {
      giver_username_if_known: got && rng.float() < 0.5 ? `giver_${rng.hex(4)}` : 'N/A',
      number_of_downvotes_of_request_at_retrieval: rng.int(5),
      number_of_upvotes_of_request_at_retrieval: rng.int(20),
      post_was_edited: rng.float() < 0.1,
      request_id: `t3_${id}`,
      request_number_of_comments_at_retrieval: rng.int(10),
      request_text: sentence(rng, WORDS, 10, 30),
      request_text_edit_aware: sentence(rng, WORDS, 10, 30),
      request_title: `[Request] ${sentence(rng, WORDS, 3, 5)}`,
      requester_account_age_in_days_at_request: Number(rng.decimal(0, 900, 6)),
      requester_number_of_posts_at_request: rng.int(100),
      requester_received_pizza: got,
      requester_username: `user_${rng.hex(6)}`,
      unix_timestamp_of_request: t,
      unix_timestamp_of_request_utc: t - 3600,
    };
  };
  const TEST_FIELDS = [
    'giver_username_if_known',
    'request_id',
    'request_text_edit_aware',
    'request_title',
    'requester_account_age_in_days_at_request',
    'requester_number_of_posts_at_request',
    'requester_username',
    'unix_timestamp_of_request',
    'unix_timestamp_of_request_utc',
  ] as const;
  const all = hexIds(rng, size + testCount(size, 0.25), 6).map(request);
  const train = all.slice(0, size);
  const test = all.slice(size);
  const testPublic = test.map((r) => Object.fromEntries(TEST_FIELDS.map((k) => [k, r[k]])));
  const trainJson = JSON.stringify(train, null, 4);
  const testJson = JSON.stringify(testPublic, null, 4);
  writeFile(pub('train.json'), trainJson);
  writeFile(pub('test.json'), testJson);
  writeZip(pub('train.zip'), { 'train.json': trainJson });
  writeZip(pub('test.zip'), { 'test.json': testJson });
  writeCsv(
    priv('test.csv'),
    ['request_id', 'requester_received_pizza'],
    test.map((r) => [r.request_id, r.requester_received_pizza ? 1 : 0]),
  );
  writeCsv(
    pub('sampleSubmission.csv'),
    ['request_id', 'requester_received_pizza'],
    test.map((r) => [r.request_id, 0]),
  );
};
