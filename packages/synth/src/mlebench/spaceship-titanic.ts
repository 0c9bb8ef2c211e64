import { writeCsv } from '../write.js';
import type { SynthWriter } from '../types.js';
import { paths, testCount } from './common.js';

const COLS = [
  'PassengerId',
  'HomePlanet',
  'CryoSleep',
  'Cabin',
  'Destination',
  'Age',
  'VIP',
  'RoomService',
  'FoodCourt',
  'ShoppingMall',
  'Spa',
  'VRDeck',
  'Name',
  'Transported',
];

/** train.csv (PassengerId gggg_pp, 12 features, Transported True/False), test.csv without it; answers private/test.csv; sample Transported False. */
export const spaceshipTitanic: SynthWriter = (ctx) => {
  const { pub, priv } = paths(ctx);
  const { rng, size } = ctx;
  const bool = () => (rng.float() < 0.5 ? 'True' : 'False');
  const maybe = <T>(v: T): T | '' => (rng.float() < 0.03 ? '' : v);
  const all = Array.from({ length: size + testCount(size) }, (_, i) => [
    `${String(1 + Math.floor(i / 2) * 2).padStart(4, '0')}_0${1 + (i % 2)}`,
    maybe(rng.pick(['Earth', 'Europa', 'Mars'])),
    maybe(bool()),
    maybe(`${rng.pick(['A', 'B', 'C', 'F', 'G'])}/${rng.int(1500)}/${rng.pick(['P', 'S'])}`),
    maybe(rng.pick(['TRAPPIST-1e', '55 Cancri e', 'PSO J318.5-22'])),
    maybe(`${rng.int(70)}.0`),
    maybe(rng.float() < 0.05 ? 'True' : 'False'),
    ...Array.from({ length: 5 }, () => maybe(`${rng.float() < 0.6 ? 0 : rng.int(3000)}.0`)),
    maybe(`${rng.pick(['Ada', 'Bo', 'Cy', 'Di'])} ${rng.pick(['Vale', 'Moss', 'Reed'])}`),
    bool(),
  ]);
  const train = all.slice(0, size);
  const test = all.slice(size);
  writeCsv(pub('train.csv'), COLS, train);
  writeCsv(
    pub('test.csv'),
    COLS.slice(0, -1),
    test.map((r) => r.slice(0, -1)),
  );
  writeCsv(
    pub('sample_submission.csv'),
    ['PassengerId', 'Transported'],
    test.map((r) => [r[0]!, 'False']),
  );
  writeCsv(priv('test.csv'), COLS, test);
};
