import { join } from 'node:path';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';

const LABELS = [
  'contact_id',
  'game_play',
  'datetime',
  'step',
  'nfl_player_id_1',
  'nfl_player_id_2',
  'contact',
];
const TRACKING = [
  'game_play',
  'game_key',
  'play_id',
  'nfl_player_id',
  'datetime',
  'step',
  'team',
  'position',
  'jersey_number',
  'x_position',
  'y_position',
  'speed',
  'distance',
  'direction',
  'orientation',
  'acceleration',
  'sa',
];
const HELMETS = [
  'game_play',
  'game_key',
  'play_id',
  'view',
  'video',
  'frame',
  'nfl_player_id',
  'player_label',
  'left',
  'width',
  'top',
  'height',
];
const VIDEO = ['game_play', 'game_key', 'play_id', 'view', 'start_time', 'end_time', 'snap_time'];
const VIEWS = ['All29', 'Endzone', 'Sideline'];

/**
 * nfl-player-contact-detection (docs/hce-recipes.md): train_labels.csv (one row per play, step
 * and player pair, `G` for the ground), train_/test_ versions of baseline_helmets,
 * player_tracking and video_metadata, three videos per play in train/ and test/; the sample lists
 * the test contact ids with contact = 0; answers are the full test label rows. `size` is the
 * number of train plays (a few label rows each).
 */
export const nflPlayerContactDetection: SynthWriter = ({ root, rng, size }) => {
  const play = () => {
    const gameKey = 58_000 + rng.int(600);
    const playId = 100 + rng.int(3800);
    const gp = `${gameKey}_${String(playId).padStart(6, '0')}`;
    const players = Array.from({ length: 3 }, () => 37_000 + rng.int(20_000));
    const labels: (string | number)[][] = [];
    const tracking: (string | number)[][] = [];
    const helmets: (string | number)[][] = [];
    for (let step = 0; step < 2; step++) {
      const t = `2020-09-1${rng.int(10)}T0${rng.int(10)}:0${rng.int(10)}:4${rng.int(10)}.${step}00Z`;
      for (const [i, p] of players.entries()) {
        tracking.push([
          gp,
          gameKey,
          playId,
          p,
          t,
          step,
          rng.pick(['home', 'away']),
          rng.pick(['CB', 'WR', 'TE']),
          rng.int(99),
          rng.decimal(0, 120, 2),
          rng.decimal(0, 53, 2),
          rng.decimal(0, 9, 2),
          rng.decimal(0, 1, 2),
          rng.decimal(0, 359, 2),
          rng.decimal(0, 359, 2),
          rng.decimal(0, 5, 2),
          rng.decimal(-5, 5, 2),
        ]);
        labels.push([`${gp}_${step}_${p}_G`, gp, t, step, p, 'G', rng.float() < 0.2 ? 1 : 0]);
        for (const q of players.slice(i + 1))
          labels.push([`${gp}_${step}_${p}_${q}`, gp, t, step, p, q, rng.float() < 0.3 ? 1 : 0]);
        helmets.push([
          gp,
          gameKey,
          playId,
          'Endzone',
          `${gp}_Endzone.mp4`,
          step,
          p,
          `H${rng.int(99)}`,
          rng.int(1200),
          20 + rng.int(10),
          rng.int(700),
          20 + rng.int(10),
        ]);
      }
    }
    const video = VIEWS.map((v) => [
      gp,
      gameKey,
      playId,
      v,
      '2020-09-11T03:01:43.134Z',
      '2020-09-11T03:01:54.971Z',
      '2020-09-11T03:01:48.134Z',
    ]);
    return { gp, labels, tracking, helmets, video };
  };
  const seen = new Set<string>();
  const plays = (n: number) => {
    const out: ReturnType<typeof play>[] = [];
    while (out.length < n) {
      const p = play();
      if (!seen.has(p.gp)) {
        seen.add(p.gp);
        out.push(p);
      }
    }
    return out;
  };
  const train = plays(size);
  const test = plays(Math.max(2, Math.round(size / 9)));
  for (const [prefix, ps] of [
    ['train', train],
    ['test', test],
  ] as const) {
    writeCsv(
      join(root, `public/${prefix}_player_tracking.csv`),
      TRACKING,
      ps.flatMap((p) => p.tracking),
    );
    writeCsv(
      join(root, `public/${prefix}_baseline_helmets.csv`),
      HELMETS,
      ps.flatMap((p) => p.helmets),
    );
    writeCsv(
      join(root, `public/${prefix}_video_metadata.csv`),
      VIDEO,
      ps.flatMap((p) => p.video),
    );
    for (const p of ps)
      for (const v of VIEWS)
        writeFile(
          join(root, 'public', prefix, `${p.gp}_${v}.mp4`),
          Uint8Array.from([
            0,
            0,
            0,
            0x18,
            0x66,
            0x74,
            0x79,
            0x70,
            ...Array.from({ length: 16 }, () => rng.int(256)),
          ]),
        );
  }
  writeCsv(
    join(root, 'public/train_labels.csv'),
    LABELS,
    train.flatMap((p) => p.labels),
  );
  writeCsv(
    join(root, 'private/test.csv'),
    LABELS,
    test.flatMap((p) => p.labels),
  );
  writeCsv(
    join(root, 'public/sample_submission.csv'),
    ['contact_id', 'contact'],
    test.flatMap((p) => p.labels.map((l) => [l[0]!, 0])),
  );
};
