import { join } from 'node:path';
import { writeCsv, writeFile } from '../write.js';
import type { SynthWriter } from '../types.js';

const PHONES = ['GooglePixel4', 'GooglePixel5', 'SamsungGalaxyS20Ultra', 'XiaomiMi8'];
const GT = [
  'MessageType',
  'Provider',
  'LatitudeDegrees',
  'LongitudeDegrees',
  'AltitudeMeters',
  'SpeedMps',
  'AccuracyMeters',
  'BearingDegrees',
  'UnixTimeMillis',
];
const SAMPLE_LAT = '37.904611315634504';
const SAMPLE_LON = '-86.48107806249548';

/**
 * smartphone-decimeter-2022 (docs/hce-recipes.md): `train/<drive>/<phone>/` holds
 * device_gnss.csv, device_imu.csv, ground_truth.csv and supplemental/ (the phone's `.20o` and
 * `.nmea` logs and span_log.nmea, the reference receiver's track: MLE-bench's known leak);
 * `test/` the same without ground_truth.csv; metadata/; the answers concatenate the test ground
 * truths per trip (`tripId` = `<drive>-<phone>`), the sample puts one fixed point everywhere.
 * `size` is the number of train drives (a few epochs each).
 */
export const smartphoneDecimeter2022: SynthWriter = ({ root, rng, size }) => {
  // Distinct drive dates a few days apart, whatever the size.
  let day = Date.parse('2020-05-14T00:00:00Z');
  const drive = () => {
    day += (1 + rng.int(5)) * 86_400_000;
    const date = new Date(day).toISOString().slice(0, 10);
    // A few dates have two drives (routes), as Kaggle's do.
    const routes = rng.float() < 0.3 ? 2 : 1;
    return Array.from({ length: routes }, (_, k) => `${date}-US-${rng.pick(['MTV', 'SJC', 'LAX'])}-${k + 1}`);
  };
  const trip = (dir: string, id: string, withTruth: boolean) => {
    const first = rng.int(PHONES.length);
    const phones = [...new Set([PHONES[first]!, PHONES[(first + rng.int(2)) % PHONES.length]!])].sort();
    const answers: string[][] = [];
    for (const phone of phones) {
      const base = join(root, 'public', dir, id, phone);
      const t0 = 1_589_000_000_000 + rng.int(1e9);
      const rows = Array.from({ length: 3 + rng.int(4) }, (_, k) => [
        'Fix',
        'GT',
        rng.decimal(37.3, 37.5, 9),
        rng.decimal(-122.2, -121.9, 9),
        rng.decimal(-30, 10, 2),
        rng.decimal(0, 30, 5),
        '0.1',
        rng.decimal(0, 359, 4),
        String(t0 + k * 1000),
      ]);
      if (withTruth) writeCsv(join(base, 'ground_truth.csv'), GT, rows);
      writeCsv(
        join(base, 'device_gnss.csv'),
        ['MessageType', 'utcTimeMillis', 'Svid', 'Cn0DbHz', 'WlsPositionXEcefMeters'],
        rows.map((r) => [
          'Raw',
          r[8]!,
          1 + rng.int(30),
          rng.decimal(20, 45, 3),
          rng.decimal(-2.7e6, -2.6e6, 3),
        ]),
      );
      writeCsv(
        join(base, 'device_imu.csv'),
        ['MessageType', 'utcTimeMillis', 'MeasurementX', 'MeasurementY', 'MeasurementZ'],
        rows.map((r) => [
          'UncalAccel',
          r[8]!,
          rng.decimal(-1, 1, 4),
          rng.decimal(-1, 1, 4),
          rng.decimal(9, 10, 4),
        ]),
      );
      writeFile(
        join(base, 'supplemental', `${phone}.nmea`),
        rows
          .map(
            (r) =>
              `$GPGGA,${r[8]},${rng.decimal(3722, 3730, 4)},N,${rng.decimal(12190, 12220, 4)},W,1,08,0.9,10.0,M,-30.0,M,,*47`,
          )
          .join('\n') + '\n',
      );
      writeFile(
        join(base, 'supplemental', `${phone}.20o`),
        `     3.03           OBSERVATION DATA    M                   RINEX VERSION / TYPE\n`,
      );
      // The reference receiver's track: the ground truth's own digits.
      writeFile(
        join(base, 'supplemental', 'span_log.nmea'),
        rows.map((r) => `$GPGGA,${r[8]},${r[2]},N,${r[3]},W,4,12,0.6,${r[4]},M,,M,,*5B`).join('\n') + '\n',
      );
      for (const r of rows) answers.push([`${id}-${phone}`, r[8]!, r[2]!, r[3]!]);
    }
    return answers;
  };
  const trainDrives = Array.from({ length: Math.max(6, Math.round(size / 1.3)) }, drive)
    .flat()
    .slice(0, Math.max(6, size));
  for (const d of trainDrives) trip('train', d, true);
  const testDrives = drive();
  const answers = testDrives.sort().flatMap((d) => trip('test', d, false));
  writeCsv(
    join(root, 'private/test.csv'),
    ['tripId', 'UnixTimeMillis', 'LatitudeDegrees', 'LongitudeDegrees'],
    answers,
  );
  writeCsv(
    join(root, 'public/sample_submission.csv'),
    ['tripId', 'UnixTimeMillis', 'LatitudeDegrees', 'LongitudeDegrees'],
    answers.map((a) => [a[0]!, a[1]!, SAMPLE_LAT, SAMPLE_LON]),
  );
  writeCsv(
    join(root, 'public/metadata/constellation_type_mapping.csv'),
    ['ConstellationType', 'ConstellationName'],
    [
      [1, 'GPS'],
      [3, 'GLONASS'],
      [6, 'GALILEO'],
    ],
  );
  writeFile(join(root, 'public/metadata/raw_state_bit_map.json'), '{"0": "STATE_CODE_LOCK"}\n');
};
