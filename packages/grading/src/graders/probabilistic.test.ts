import { describe, expect, it } from 'vitest';
import { grade } from '../test-support/fixtures.js';

describe('ROC AUC graders', () => {
  const answers = ['id,has_cactus', 'a,0', 'b,1', 'c,0', 'd,1'];

  it('counts tied scores as ½ (Mann–Whitney) and aligns rows by id', () => {
    // Rows shuffled. Positives b (0.5), d (0.9); negatives a (0.5), c (0.5).
    // Pairs: (b,a) tie ½, (b,c) tie ½, (d,a) 1, (d,c) 1 → 3/4 = 0.75.
    const r = grade(
      'aerial-cactus-identification',
      ['id,has_cactus', 'd,0.9', 'c,0.5', 'b,0.5', 'a,0.5'],
      answers,
    );
    expect(r.score).toBe(0.75);
  });

  it('scores a mediocre ranking by its concordant pairs', () => {
    // Positives b 0.35, d 0.8; negatives a 0.1, c 0.4: (b>a) 1, (b<c) 0, (d>a) 1, (d>c) 1 → 3/4.
    expect(
      grade('aerial-cactus-identification', ['id,has_cactus', 'a,0.1', 'b,0.35', 'c,0.4', 'd,0.8'], answers)
        .score,
    ).toBe(0.75);
    // Reversed perfectly → 0.
    expect(
      grade('aerial-cactus-identification', ['id,has_cactus', 'a,0.9', 'b,0.1', 'c,0.8', 'd,0.2'], answers)
        .score,
    ).toBe(0);
  });

  it('rejects logits, text, empty scores, missing ids and a single-class answer set', () => {
    expect(
      grade('aerial-cactus-identification', ['id,has_cactus', 'a,-2.3', 'b,1', 'c,0', 'd,1'], answers).reason,
    ).toMatch(/probabilities in \[0, 1\]: row 1 holds "-2\.3"/);
    expect(
      grade('aerial-cactus-identification', ['id,has_cactus', 'a,high', 'b,1', 'c,0', 'd,1'], answers).reason,
    ).toMatch(/must be numeric: row 1 holds "high"/);
    expect(
      grade('aerial-cactus-identification', ['id,has_cactus', 'a,', 'b,1', 'c,0', 'd,1'], answers).reason,
    ).toMatch(/NaN/);
    expect(
      grade('aerial-cactus-identification', ['id,has_cactus', 'a,0', 'b,1', 'c,0', 'e,1'], answers).reason,
    ).toMatch(/"e" on row 4 is not among the answers' ids/);
    expect(
      grade('aerial-cactus-identification', ['id,has_cactus', 'a,0', 'b,1', 'c,0'], answers).reason,
    ).toMatch(/3 rows, answers have 4/);
    expect(
      grade(
        'aerial-cactus-identification',
        ['id,has_cactus', 'a,0.2', 'b,0.3'],
        ['id,has_cactus', 'a,1', 'b,1'],
      ).reason,
    ).toMatch(/Only one class present/);
  });

  it('jigsaw-toxic drops the answer rows marked -1 and pairs columns by position', () => {
    const cols = 'id,toxic,severe_toxic,obscene,threat,insult,identity_hate';
    const ans = [cols, 'a,1,1,1,1,1,1', 'b,0,0,0,0,0,0', 'x,-1,-1,-1,-1,-1,-1'];
    // Row x is ignored whatever it scores: every column ranks a above b → 1.
    expect(
      grade(
        'jigsaw-toxic-comment-classification-challenge',
        [cols, 'x,1,1,1,1,1,1', 'a,0.9,0.9,0.9,0.9,0.9,0.9', 'b,0.1,0.1,0.1,0.1,0.1,0.1'],
        ans,
      ).score,
    ).toBe(1);
    // Same columns in another order: position decides, so "identity_hate" first is scored as "toxic".
    // Column 1 (scored as toxic) is identity_hate = a 0.2, b 0.8 → AUC 0; the other five are 1 → 5/6.
    const swapped = 'id,identity_hate,severe_toxic,obscene,threat,insult,toxic';
    expect(
      grade(
        'jigsaw-toxic-comment-classification-challenge',
        [swapped, 'a,0.2,0.9,0.9,0.9,0.9,0.9', 'b,0.8,0.1,0.1,0.1,0.1,0.1', 'x,0,0,0,0,0,0'],
        ans,
      ).score,
    ).toBe(0.83333);
  });

  it('playground-series-s3e18 averages the EC1 and EC2 AUCs', () => {
    const ans = ['id,EC1,EC2', '1,1,0', '2,0,1', '3,1,1', '4,0,0'];
    // EC1: positives 1 (0.9), 3 (0.4); negatives 2 (0.5), 4 (0.1) → pairs 1,1,0,1 → 0.75. EC2 perfect → 1. Mean 0.875.
    expect(
      grade(
        'playground-series-s3e18',
        ['id,EC1,EC2', '1,0.9,0.1', '2,0.5,0.9', '3,0.4,0.8', '4,0.1,0.2'],
        ans,
      ).score,
    ).toBe(0.875);
  });
});

describe('log loss graders', () => {
  const spooky = ['id,EAP,HPL,MWS', 'id1,1,0,0', 'id2,0,1,0'];

  it('is the mean of −ln p(true class)', () => {
    // Each row gives its true author 0.5: (−ln 0.5 − ln 0.5)/2 = ln 2 = 0.693147… → 0.69315.
    expect(
      grade(
        'spooky-author-identification',
        ['id,EAP,HPL,MWS', 'id2,0.25,0.5,0.25', 'id1,0.5,0.25,0.25'],
        spooky,
      ).score,
    ).toBe(0.69315);
  });

  it('clips a zero probability to machine epsilon (2.22e-16), not 1e-15', () => {
    // Row 1 certain and right: −ln(1 − 2^−52) ≈ 2.2e-16. Row 2 gives its true class 0: −ln(2^−52) = 36.0436533891…
    // Mean = 18.0218266945… → 18.02183 (with eps = 1e-15 it would be 17.26939).
    expect(
      grade('spooky-author-identification', ['id,EAP,HPL,MWS', 'id1,1,0,0', 'id2,1,0,0'], spooky).score,
    ).toBe(18.02183);
  });

  it('accepts rows summing to 1 within 1.1e-5 without renormalising, and refuses larger gaps', () => {
    // Row sums 1.00001 and 1: |1.00001 − 1| = 1e-5 ≤ 1e-6 + 1e-5 → accepted. No renormalisation:
    // −ln 0.50001 = 0.6931271807…, −ln 0.5 = 0.6931471806… → mean 0.6931371806… → 0.69314
    // (renormalised it would be −ln(0.50001/1.00001) for row 1 and give 0.69315).
    expect(
      grade(
        'spooky-author-identification',
        ['id,EAP,HPL,MWS', 'id1,0.50001,0.25,0.25', 'id2,0.25,0.5,0.25'],
        spooky,
      ).score,
    ).toBe(0.69314);
    expect(
      grade(
        'spooky-author-identification',
        ['id,EAP,HPL,MWS', 'id1,0.5001,0.25,0.25', 'id2,0.25,0.5,0.25'],
        spooky,
      ).reason,
    ).toMatch(/row 1 sums to 1\.0001/);
    expect(
      grade(
        'spooky-author-identification',
        ['id,EAP,HPL,MWS', 'id1,1.2,-0.1,-0.1', 'id2,0.25,0.5,0.25'],
        spooky,
      ).reason,
    ).toMatch(/within \[0, 1\]: "EAP" on row 1 is 1\.2/);
  });

  it('dog-breed re-orders columns to the answers and needs every breed', () => {
    const ans = ['id,beagle,collie', 'x,1,0', 'y,0,1'];
    // Columns swapped in the file: beagle still gets row x's 0.8 → (−ln 0.8 − ln 0.6)/2 = (0.22314 + 0.51083)/2 = 0.36698…
    expect(grade('dog-breed-identification', ['collie,id,beagle', '0.2,x,0.8', '0.6,y,0.4'], ans).score).toBe(
      0.36698,
    );
    expect(grade('dog-breed-identification', ['id,beagle', 'x,1', 'y,0'], ans).reason).toMatch(
      /missing "collie"/,
    );
  });

  it('binary log loss stacks [1 − p, p] (dogs-vs-cats)', () => {
    // id 1 is a dog (1) with p 0.8 → −ln 0.8; id 2 a cat (0) with p 0.3 → −ln 0.7. Mean (0.223144 + 0.356675)/2 = 0.289909…
    expect(
      grade('dogs-vs-cats-redux-kernels-edition', ['id,label', '2,0.3', '1,0.8'], ['id,label', '1,1', '2,0'])
        .score,
    ).toBe(0.28991);
    expect(
      grade('dogs-vs-cats-redux-kernels-edition', ['id,label', '1,0.3', '3,0.8'], ['id,label', '1,1', '2,0'])
        .reason,
    ).toMatch(/differ from the answers/);
  });

  it('hms: KL divergence of normalised votes, rows must sum to 1 after rounding to 5 places', () => {
    const cols = 'eeg_id,seizure_vote,lpd_vote,gpd_vote,lrda_vote,grda_vote,other_vote';
    // Votes 2,2,0,0,0,0 → y = (½, ½, 0, …). Prediction (¼, ¾, 0, …): KL = ½ ln(½/¼) + ½ ln(½/¾) = ½(ln 2 + ln ⅔) = ½ ln(4/3) = 0.143841…
    expect(
      grade(
        'hms-harmful-brain-activity-classification',
        [cols, '7,0.25,0.75,0,0,0,0'],
        [cols, '7,2,2,0,0,0,0'],
      ).score,
    ).toBe(0.14384);
    // A zero prediction for a true class is clipped to 1e-15 (and 1 to 1 − 1e-15):
    // ½ ln(0.5/1e-15) = ½ · 33.8456292 = 16.9228146; ½ ln(0.5/(1 − 1e-15)) = −0.3465736 → 16.5762410 → 16.57624.
    expect(
      grade('hms-harmful-brain-activity-classification', [cols, '7,0,1,0,0,0,0'], [cols, '7,2,2,0,0,0,0'])
        .score,
    ).toBe(16.57624);
    expect(
      grade('hms-harmful-brain-activity-classification', [cols, '7,0.3,0.5,0,0,0,0'], [cols, '7,2,2,0,0,0,0'])
        .reason,
    ).toMatch(/row 1 sums to 0\.8/);
  });
});
