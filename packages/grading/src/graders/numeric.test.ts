import { describe, expect, it } from 'vitest';
import { grade } from '../test-support/fixtures.js';

describe('regression graders', () => {
  it('RMSE after aligning ids (petfinder), with the [1, 100] range check', () => {
    const ans = ['Id,Pawpularity', 'a,10', 'b,20', 'c,30', 'd,40'];
    // Errors 2, −2, 0, 4 → squares 4, 4, 0, 16 → mean 6 → √6 = 2.449489… → 2.44949.
    expect(
      grade('petfinder-pawpularity-score', ['Id,Pawpularity', 'd,44', 'c,30', 'b,18', 'a,12'], ans).score,
    ).toBe(2.44949);
    expect(
      grade('petfinder-pawpularity-score', ['Id,Pawpularity', 'a,101', 'b,18', 'c,30', 'd,44'], ans).reason,
    ).toMatch(/row 1 holds 101/);
  });

  it('new-york-city-taxi pairs rows after sorting by key and never checks the keys', () => {
    const ans = ['key,fare_amount', 'k1,5', 'k2,10'];
    // Keys k8, k9 are not the answers' keys but sort to the same positions: errors 1 and 2 → √((1 + 4)/2) = 1.581138… → 1.58114.
    expect(grade('new-york-city-taxi-fare-prediction', ['key,fare_amount', 'k9,12', 'k8,6'], ans).score).toBe(
      1.58114,
    );
    // A row-count mismatch only fails inside scikit-learn.
    expect(grade('new-york-city-taxi-fare-prediction', ['key,fare_amount', 'k1,5'], ans).reason).toMatch(
      /inconsistent numbers of samples/,
    );
  });

  it('RMSLE matches rows by position, not by id (nomad2018)', () => {
    const ans = ['id,formation_energy_ev_natom,bandgap_energy_ev', '1,0,0', '2,1,1'];
    // Right values in the answers' row order → 0.
    expect(
      grade(
        'nomad2018-predict-transparent-conductors',
        ['id,formation_energy_ev_natom,bandgap_energy_ev', '1,0,0', '2,1,1'],
        ans,
      ).score,
    ).toBe(0);
    // The same rows in reverse order: each column compares (0 vs 1) and (1 vs 0): ln 2 differences →
    // RMSLE = √((ln²2 + ln²2)/2) = ln 2 per column → mean ln 2 = 0.693147… → 0.69315.
    expect(
      grade(
        'nomad2018-predict-transparent-conductors',
        ['id,formation_energy_ev_natom,bandgap_energy_ev', '2,1,1', '1,0,0'],
        ans,
      ).score,
    ).toBe(0.69315);
    // Values ≤ −1 are refused by current scikit-learn (−0.5 is allowed).
    expect(
      grade(
        'nomad2018-predict-transparent-conductors',
        ['id,formation_energy_ev_natom,bandgap_energy_ev', '1,-1,0', '2,1,1'],
        ans,
      ).reason,
    ).toMatch(/less than or equal to -1/);
    expect(
      grade(
        'nomad2018-predict-transparent-conductors',
        ['id,formation_energy_ev_natom,bandgap_energy_ev', '1,-0.5,0', '2,1,1'],
        ans,
      ).valid,
    ).toBe(true);
  });

  it('stanford-covid-vaccine: MCRMSE over the kept rows', () => {
    const head = 'id_seqpos,reactivity,deg_Mg_pH10,deg_Mg_50C,deg_pH10,deg_50C';
    const ans = [`${head},keep`, 'x_0,1,1,1,0,0,True', 'x_1,2,2,2,0,0,True', 'x_2,9,9,9,0,0,False'];
    // Kept rows x_0, x_1. reactivity errors 1, 1 → RMSE 1; deg_Mg_pH10 errors 0, 2 → √2; deg_Mg_50C 0, 0 → 0.
    // Mean (1 + 1.414213… + 0)/3 = 0.804737… → 0.80474. The unkept row's error (91) does not count.
    expect(
      grade('stanford-covid-vaccine', [head, 'x_0,2,1,1,0,0', 'x_1,3,4,2,0,0', 'x_2,100,9,9,0,0'], ans).score,
    ).toBe(0.80474);
  });

  it('ventilator-pressure-prediction scores only rows with u_out == 0', () => {
    const ans = ['id,pressure,u_out', '1,10,0', '2,20,1', '3,30,0'];
    // |11 − 10| and |27 − 30| → (1 + 3)/2 = 2; row 2 (u_out 1) is ignored.
    expect(grade('ventilator-pressure-prediction', ['id,pressure', '3,27', '2,0', '1,11'], ans).score).toBe(
      2,
    );
  });

  it('champs: mean over coupling types of ln(MAE)', () => {
    const ans = ['id,type,scalar_coupling_constant', '1,1JHC,80', '2,1JHC,90', '3,2JHH,-10'];
    // 1JHC: MAE (1 + 3)/2 = 2 → ln 2; 2JHH: MAE 0.5 → ln 0.5 = −ln 2. Mean 0.
    expect(
      grade('champs-scalar-coupling', ['id,scalar_coupling_constant', '1,81', '2,87', '3,-9.5'], ans).score,
    ).toBe(0);
    // 1JHC MAE e = 2.718…: errors e and e → ln e = 1; 2JHH MAE 1 → 0. Mean 0.5.
    expect(
      grade(
        'champs-scalar-coupling',
        ['id,scalar_coupling_constant', `1,${80 + Math.E}`, `2,${90 - Math.E}`, '3,-9'],
        ans,
      ).score,
    ).toBe(0.5);
  });

  it('Pearson correlation (us-patent), NaN for a constant prediction', () => {
    const ans = ['id,score', 'a,0', 'b,0.5', 'c,1'];
    // x = (0, .5, 1), y = (0, 1, 1): centred (−.5, 0, .5) and (−⅔, ⅓, ⅓); r = (⅓ + ⅙)/(√.5 · √(⅔)) = .5/0.577350 = 0.866025… → 0.86603.
    expect(grade('us-patent-phrase-to-phrase-matching', ['id,score', 'a,0', 'b,1', 'c,1'], ans).score).toBe(
      0.86603,
    );
    const flat = grade('us-patent-phrase-to-phrase-matching', ['id,score', 'a,0.5', 'b,0.5', 'c,0.5'], ans);
    expect(flat.valid).toBe(true);
    expect(flat.score).toBeNaN();
  });

  it("osic: modified Laplace log-likelihood over each patient's last 3 weeks", () => {
    const ans = ['Patient_Week,Patient,FVC', 'P1_1,P1,2000', 'P1_4,P1,1950', 'P1_8,P1,1900', 'P1_12,P1,1850'];
    // Scored weeks 4, 8, 12. Week 4: Δ 100, σ = max(50, 70) = 70; week 8: Δ 2000 → capped 1000, σ 200; week 12: Δ 0, σ 100.
    // Terms: −√2·100/70 − ln(√2·70) = −2.020305 − 4.595069 = −6.615374;
    //        −√2·1000/200 − ln(√2·200) = −7.071068 − 5.644883 = −12.715951;
    //        −0 − ln(√2·100) = −4.951744. Mean −8.094356… → −8.09436. Week 1 is not scored.
    const sub = [
      'Patient_Week,FVC,Confidence',
      'P1_1,0,1',
      'P1_4,2050,50',
      'P1_8,3900,200',
      'P1_12,1850,100',
    ];
    expect(grade('osic-pulmonary-fibrosis-progression', sub, ans).score).toBe(-8.09436);
  });

  it('smartphone-decimeter: per trip mean of the 50th and 95th percentile haversine errors', () => {
    const ans = ['tripId,UnixTimeMillis,LatitudeDegrees,LongitudeDegrees', 't,1,0,0', 't,2,0,0', 't,3,0,0'];
    // Errors along the equator: 0.001° of longitude = 6,371,000 · 0.001 · π/180 = 111.194927 m; 0.002° → 222.389853 m.
    // d = (0, 111.194927, 222.389853): P50 = 111.194927, P95 (index 0.95·2 = 1.9) = 111.194927 + 0.9·111.194927 = 211.270361
    // → mean 161.232644 m.
    expect(
      grade(
        'smartphone-decimeter-2022',
        ['tripId,UnixTimeMillis,LatitudeDegrees,LongitudeDegrees', 't,1,0,0', 't,2,0,0.001', 't,3,0,0.002'],
        ans,
      ).score,
    ).toBe(161.23264);
  });
});
