import { describe, expect, it } from 'vitest';
import { TF2QA_ANSWERS } from '../test-support/competitions.js';
import { grade } from '../test-support/fixtures.js';

describe('accuracy and other label metrics', () => {
  it('accuracy counts exact label matches after aligning ids (cassava)', () => {
    const ans = ['image_id,label', 'a.jpg,0', 'b.jpg,3', 'c.jpg,4', 'd.jpg,1'];
    // Right on a and c, wrong on b and d → 2/4.
    expect(
      grade(
        'cassava-leaf-disease-classification',
        ['image_id,label', 'd.jpg,2', 'c.jpg,4', 'b.jpg,1', 'a.jpg,0'],
        ans,
      ).score,
    ).toBe(0.5);
    // Non-integer predictions are a continuous target for scikit-learn → invalid.
    expect(
      grade(
        'cassava-leaf-disease-classification',
        ['image_id,label', 'a.jpg,0.5', 'b.jpg,3', 'c.jpg,4', 'd.jpg,1'],
        ans,
      ).reason,
    ).toMatch(/non-integer value 0\.5/);
    // Text labels against integer answers mix label types → invalid.
    expect(
      grade(
        'cassava-leaf-disease-classification',
        ['image_id,label', 'a.jpg,cbb', 'b.jpg,3', 'c.jpg,4', 'd.jpg,1'],
        ans,
      ).reason,
    ).toMatch(/mix string and number labels/);
  });

  it('spaceship-titanic compares booleans, and 1/0 equal True/False as in numpy', () => {
    const ans = ['PassengerId,Transported', '0001_01,True', '0002_01,False', '0003_01,True', '0004_01,False'];
    // True, False, False, False vs True, False, True, False → 3/4.
    expect(
      grade(
        'spaceship-titanic',
        ['PassengerId,Transported', '0001_01,True', '0002_01,False', '0003_01,False', '0004_01,False'],
        ans,
      ).score,
    ).toBe(0.75);
    expect(
      grade(
        'spaceship-titanic',
        ['PassengerId,Transported', '0001_01,1', '0002_01,0', '0003_01,1', '0004_01,1'],
        ans,
      ).score,
    ).toBe(0.75);
  });

  it('paddy\'s sample submission (every label empty) is valid and scores 0: fillna("") makes each prediction ""', () => {
    const ans = ['image_id,label', '1.jpg,blast', '2.jpg,normal'];
    expect(grade('paddy-disease-classification', ['image_id,label', '1.jpg,', '2.jpg,'], ans)).toMatchObject({
      valid: true,
      score: 0,
    });
    expect(
      grade('paddy-disease-classification', ['image_id,label', '1.jpg,blast', '2.jpg,'], ans).score,
    ).toBe(0.5);
  });

  it('text-normalization compares astype(str) values, so an empty cell is the text "nan"', () => {
    const ans = ['id,after', '0_0,nan', '0_1,12', '0_2,twelve', '0_3,a'];
    // Answer "nan" is read as NaN and becomes "nan"; an empty prediction also becomes "nan" → match.
    // "12" in an object column stays "12"; "12.0" does not match it. Hits: 0_0, 0_2, 0_3 → 3/4.
    expect(
      grade(
        'text-normalization-challenge-english-language',
        ['id,after', '0_0,', '0_1,12.0', '0_2,twelve', '0_3,a'],
        ans,
      ).score,
    ).toBe(0.75);
  });

  it('quadratic weighted kappa indexes the sorted labels present, not their values (aptos)', () => {
    const ans = ['id_code,diagnosis', 'a,0', 'b,1', 'c,3', 'd,3'];
    // Labels present {0, 1, 3} → indices 0, 1, 2. y1 = prediction [0, 1, 1, 3] → [0, 1, 1, 2]; y2 = truth [0, 1, 2, 2].
    // O (rows y1, cols y2): O00 = 1, O11 = 1, O12 = 1, O22 = 1. Column sums [1, 1, 2], row sums [1, 2, 1], N = 4.
    // E_ij = colsum_i · rowsum_j / 4 = [[.25, .5, .25], [.25, .5, .25], [.5, 1, .5]]; W_ij = (i − j)².
    // Σ W·O = W12·1 = 1; Σ W·E = .5 + 1 + .25 + .25 + 2 + 1 = 5 → κ = 1 − 1/5 = 0.8.
    // (Weighting by the values 0, 1, 3 instead would give 1 − 4/12.5 = 0.68.)
    expect(
      grade('aptos2019-blindness-detection', ['id_code,diagnosis', 'a,0', 'b,1', 'c,1', 'd,3'], ans).score,
    ).toBe(0.8);
    // Only the id sets are compared, so a missing id is reported by name.
    expect(
      grade('aptos2019-blindness-detection', ['id_code,diagnosis', 'a,0', 'b,1', 'c,1', 'e,3'], ans).reason,
    ).toMatch(/"e" on row 4 is not in the answers/);
  });

  it('Matthews correlation from the confusion matrix (nfl)', () => {
    const ans = ['contact_id,contact', 'p1,1', 'p2,1', 'p3,0', 'p4,0'];
    // TP 1, FN 1, TN 2, FP 0: (1·2 − 0·1)/√((1+0)(1+1)(2+0)(2+1)) = 2/√12 = 0.577350… → 0.57735.
    expect(
      grade('nfl-player-contact-detection', ['contact_id,contact', 'p1,1', 'p2,0', 'p3,0', 'p4,0'], ans)
        .score,
    ).toBe(0.57735);
    // A constant prediction makes a marginal zero → MCC 0 (scikit-learn's convention).
    expect(
      grade('nfl-player-contact-detection', ['contact_id,contact', 'p1,0', 'p2,0', 'p3,0', 'p4,0'], ans)
        .score,
    ).toBe(0);
  });

  it('micro F1 over label sets ignores labels outside the answers and repeats (imet)', () => {
    const ans = ['id,attribute_ids', 'a,1 2', 'b,3', 'c,', 'd,2'];
    // a: pred {1, 9} (9 not in the answers' vocabulary → dropped): TP 1, FN 1. b: pred {3, 3} → TP 1.
    // c: truth empty, pred {2} → FP 1. d: empty prediction → FN 1.
    // TP 2, |true| 4, |pred| 3 → F1 = 2·2/(4 + 3) = 4/7 = 0.571428… → 0.57143.
    expect(grade('imet-2020-fgvc7', ['id,attribute_ids', 'a,1 9', 'b,3 3', 'c,2', 'd,'], ans).score).toBe(
      0.57143,
    );
  });

  it('tensorflow2-question-answering: micro F1 over both classes equals row accuracy', () => {
    // Rows: -100_long 5:20 right (1,1); -100_short 1:2 wrong (y_true 0, y_pred 1); 200_long empty with no answer (0,0);
    // 200_short YES but no answer (0,1); 300_long empty though an answer exists (1,0); 300_short YES right (1,1).
    // Agreements: rows 1 and 3 and 6 → 3 of 6 → 0.5.
    const sub = [
      'example_id,PredictionString',
      '-100_long,5:20',
      '-100_short,1:2',
      '200_long,',
      '200_short,YES',
      '300_long,',
      '300_short,YES',
    ];
    expect(grade('tensorflow2-question-answering', sub, TF2QA_ANSWERS).score).toBe(0.5);
    expect(grade('tensorflow2-question-answering', sub.slice(0, 6), TF2QA_ANSWERS).reason).toMatch(
      /5 rows; expected 2 × 3/,
    );
  });
});

describe('id columns of different types', () => {
  it('names the text value that kept a numeric id column from matching', () => {
    const ans = ['Id,ClassId', '1,0', '2,1'];
    expect(grade('ml2021spring-hw2', ['Id,ClassId', '1,0', '2x,1'], ans).reason).toMatch(
      /"Id" was read as text \(row 2 holds "2x"\), but the answers' ids are numbers/,
    );
    // 1.0 and 1 are the same id for pandas (float64 vs int64 compare equal).
    expect(grade('ml2021spring-hw2', ['Id,ClassId', '1.0,0', '2,1'], ans).score).toBe(1);
  });
});
