import { describe, expect, it } from 'vitest';
import { grade } from '../test-support/fixtures.js';
import { averagePrecisionAtK } from '../metrics/ranking.js';
import { codePoints, levenshtein } from '../metrics/text.js';

describe('MAP@k', () => {
  it('counts a repeated label once and divides by min(|truth|, k) (whale, k = 5)', () => {
    const ans = ['Image,Id', '1.jpg,w_1', '2.jpg,new_whale'];
    // Row 1: w_1 found at position 2 → 1/2; its repeat at 3 adds nothing → AP 0.5. Row 2: hit at 1 → 1. MAP 0.75.
    expect(
      grade(
        'whale-categorization-playground',
        ['Image,Id', '2.jpg,new_whale w_9', '1.jpg,w_2 w_1 w_1 w_3 w_4'],
        ans,
      ).score,
    ).toBe(0.75);
    // A hit at position 6 is past k = 5 → AP 0 for row 1 → MAP 0.5.
    expect(
      grade('whale-categorization-playground', ['Image,Id', '1.jpg,a b c d e w_1', '2.jpg,new_whale'], ans)
        .score,
    ).toBe(0.5);
  });

  it('h-and-m allows extra customers and averages AP@12 over the answers', () => {
    const ans = ['customer_id,prediction', 'c1,a b c', 'c2,z'];
    // c1: hits at 2 (1/2) and 3 (2/3) → (0.5 + 0.666667)/min(3, 12) = 0.388889. c2: miss → 0. Mean 0.194444… → 0.19444.
    expect(
      grade(
        'h-and-m-personalized-fashion-recommendations',
        ['customer_id,prediction', 'c9,a b c', 'c2,y', 'c1,x a b'],
        ans,
      ).score,
    ).toBe(0.19444);
  });

  it('an empty truth scores 0 whatever is predicted', () => {
    expect(averagePrecisionAtK(new Set(), ['a', 'b'], 5)).toBe(0);
    // A single-space split keeps empty strings: "a  b" is ["a", "", "b"], so b sits at position 3 → (1/1 + 2/3)/2.
    expect(averagePrecisionAtK(new Set(['a', 'b']), 'a  b'.split(' '), 5)).toBeCloseTo(0.833333, 6);
  });

  it('freesound lwlrap weights each row by its number of true labels', () => {
    const ans = ['fname,A,B,C', 'x.wav,1,0,0', 'y.wav,0,1,1', 'z.wav,0,0,0'];
    // x: true A ranked 2nd (B 0.9 > A 0.5 > C 0.1) → precision 1/2, weight 1.
    // y: true B, C with scores .2, .8 and A .9: C rank 2 (1 true ≥) → 1/2; B rank 3 (2 true ≥) → 2/3; mean 0.583333, weight 2.
    // z has no label → skipped. lwlrap = (0.5·1 + 0.583333·2)/3 = 0.555556 → 0.55556.
    expect(
      grade(
        'freesound-audio-tagging-2019',
        ['fname,A,B,C', 'x.wav,0.5,0.9,0.1', 'y.wav,0.9,0.2,0.8', 'z.wav,1,1,1'],
        ans,
      ).score,
    ).toBe(0.55556);
  });
});

describe('text metrics', () => {
  it('word Jaccard lower-cases, splits on whitespace, and fails when both sides are empty (tweet)', () => {
    const ans = ['textID,selected_text', 'a,Hello World', 'b,so  sad', 'c,'];
    // a: {hello, world} vs {hello, there} → 1/3. b: {so, sad} vs {SAD→sad, so} → 1. Row c: both empty → invalid.
    expect(
      grade('tweet-sentiment-extraction', ['textID,selected_text', 'a,hello THERE', 'b,SAD so', 'c,'], ans)
        .reason,
    ).toMatch(/row 3: both the prediction and the answer are empty/);
    // With something predicted for c: 0 → mean (1/3 + 1 + 0)/3 = 0.444444 → 0.44444.
    expect(
      grade('tweet-sentiment-extraction', ['textID,selected_text', 'a,hello THERE', 'b,SAD so', 'c,x'], ans)
        .score,
    ).toBe(0.44444);
  });

  it('Levenshtein on empty strings and code points', () => {
    expect(levenshtein(codePoints(''), codePoints(''))).toBe(0);
    expect(levenshtein(codePoints(''), codePoints('abc'))).toBe(3);
    expect(levenshtein(codePoints('kitten'), codePoints('sitting'))).toBe(3);
    // One astral character is one code point for Python, two UTF-16 units for JavaScript.
    expect(levenshtein(codePoints('a😀b'), codePoints('ab'))).toBe(1);
  });

  it('bms compares astype(str), so an empty prediction is the text "nan"; billion-word refuses it', () => {
    const ans = ['image_id,InChI', 'm1,InChI=1S/H2O', 'm2,abc'];
    // m1: "nan" vs "InChI=1S/H2O" (12 characters): one "n" lines up with the "n" of "InChI", the other two
    // characters are substituted and 9 inserted → 11 edits; m2 exact → 0. Mean 5.5.
    expect(grade('bms-molecular-translation', ['image_id,InChI', 'm1,', 'm2,abc'], ans).score).toBe(5.5);
    expect(
      grade('billion-word-imputation', ['id,sentence', '1,', '2,x'], ['id,sentence', '1,a b', '2,x']).reason,
    ).toMatch(/empty on row 1/);
    // "the cat" vs "the hat": 1 substitution; "a" vs "an": 1 insertion → mean 1.
    expect(
      grade(
        'billion-word-imputation',
        ['id,sentence', '2,a', '1,the hat'],
        ['id,sentence', '1,the cat', '2,an'],
      ).score,
    ).toBe(1);
  });

  it('multi-modal-gesture: total edit distance over the number of true gestures', () => {
    const ans = ['Id,Sequence', '1,1 2 3', '2,4 5'];
    // Row 1: 1 2 3 vs 1 3 → 1 deletion; row 2: 4 5 vs 4 6 5 → 1 insertion. (1 + 1)/5 gestures = 0.4.
    expect(grade('multi-modal-gesture-recognition', ['Id,Sequence', '2,4 6 5', '1,1 3'], ans).score).toBe(
      0.4,
    );
    // An empty cell is the text "nan", which is not an integer → invalid.
    expect(grade('multi-modal-gesture-recognition', ['Id,Sequence', '1,', '2,4 5'], ans).reason).toMatch(
      /row 1 holds "nan"/,
    );
  });

  it('kuzushiji: a centre strictly inside an unused box of the same label is a true positive', () => {
    const ans = ['image_id,labels', 'p1,A 0 0 10 10 B 20 20 10 10', 'p2,'];
    // p1: A at (5,5) inside box A → TP; a second A at (6,6) finds no unused A box → FP; B at (20,25) on the edge
    // (not strictly inside) → FP and box B → FN. p2: one prediction on an empty page → FP.
    // TP 1, FP 3, FN 1: precision 1/4, recall 1/2 → F1 = 2·(1/8)/(3/4) = 1/3 → 0.33333.
    expect(
      grade('kuzushiji-recognition', ['image_id,labels', 'p1,A 5 5 A 6 6 B 20 25', 'p2,C 1 1'], ans).score,
    ).toBe(0.33333);
  });
});
