import type { JsonRecord } from '../graders/types.js';

/** A tiny answers file per competition, a perfect submission, its score, and one invalid submission. */
export interface Case {
  answers: string[] | JsonRecord[];
  perfect: string[];
  perfectScore: number;
  broken: string[];
  brokenReason: RegExp;
}

const rows4 = (f: (i: number) => string) => [0, 1, 2, 3].map(f);

function auc(idCol: string, target: string): Case {
  const answers = [`${idCol},${target}`, ...rows4((i) => `r${i},${i % 2}`)];
  return {
    answers,
    perfect: answers,
    perfectScore: 1,
    broken: [`${idCol},${target}`, ...rows4((i) => `r${i},${i === 0 ? 1.5 : i % 2}`)],
    brokenReason: /probabilities in \[0, 1\]: row 1 holds "1\.5"/,
  };
}

function accuracy(idCol: string, target: string, labels: string[]): Case {
  const answers = [`${idCol},${target}`, ...rows4((i) => `r${i},${labels[i % labels.length]}`)];
  return {
    answers,
    perfect: answers,
    perfectScore: 1,
    broken: [
      `${idCol},${target}`,
      ...rows4((i) => `${i === 3 ? 'zz' : `r${i}`},${labels[i % labels.length]}`),
    ],
    brokenReason: /"zz" on row 4 is not among the answers' ids/,
  };
}

const RANZCR = [
  'ETT - Abnormal',
  'ETT - Borderline',
  'ETT - Normal',
  'NGT - Abnormal',
  'NGT - Borderline',
  'NGT - Incompletely Imaged',
  'NGT - Normal',
  'CVC - Abnormal',
  'CVC - Borderline',
];
const JIGSAW = ['toxic', 'severe_toxic', 'obscene', 'threat', 'insult', 'identity_hate'];
const HMS = ['seizure_vote', 'lpd_vote', 'gpd_vote', 'lrda_vote', 'grda_vote', 'other_vote'];
const IDENTITIES = [
  'male',
  'female',
  'homosexual_gay_or_lesbian',
  'christian',
  'jewish',
  'muslim',
  'black',
  'white',
  'psychiatric_or_mental_illness',
];

const oneHot = (cols: string[]) => [
  `id,${cols.join(',')}`,
  ...rows4((i) => `r${i},${cols.map((_, j) => (j === i % cols.length ? 1 : 0)).join(',')}`),
];

export const TF2QA_ANSWERS: JsonRecord[] = [
  {
    example_id: '-100',
    annotations: [
      {
        long_answer: { start_token: 5, end_token: 20 },
        short_answers: [{ start_token: 7, end_token: 9 }],
        yes_no_answer: 'NONE',
      },
    ],
  },
  {
    example_id: '200',
    annotations: [
      { long_answer: { start_token: -1, end_token: -1 }, short_answers: [], yes_no_answer: 'NONE' },
    ],
  },
  {
    example_id: '300',
    annotations: [{ long_answer: { start_token: 1, end_token: 4 }, short_answers: [], yes_no_answer: 'YES' }],
  },
];

export const CASES: Record<string, Case> = {
  'aerial-cactus-identification': auc('id', 'has_cactus'),
  'detecting-insults-in-social-commentary': auc('Comment', 'Insult'),
  'histopathologic-cancer-detection': auc('id', 'label'),
  'invasive-species-monitoring': auc('name', 'invasive'),
  'mlsp-2013-birds': auc('Id', 'Probability'),
  'random-acts-of-pizza': auc('request_id', 'requester_received_pizza'),
  'siim-isic-melanoma-classification': auc('image_name', 'target'),
  'tabular-playground-series-may-2022': auc('id', 'target'),
  'the-icml-2013-whale-challenge-right-whale-redux': auc('clip', 'probability'),
  'ranzcr-clip-catheter-line-classification': (() => {
    const answers = [
      `StudyInstanceUID,${RANZCR.map((c) => `"${c}"`).join(',')}`,
      ...rows4((i) => `s${i},${RANZCR.map((_, j) => (i + j) % 2).join(',')}`),
    ];
    return {
      answers,
      perfect: answers,
      perfectScore: 1,
      broken: [
        `StudyInstanceUID,${RANZCR.slice(1).join(',')}`,
        ...rows4(
          (i) =>
            `s${i},${RANZCR.slice(1)
              .map((_, j) => (i + j) % 2)
              .join(',')}`,
        ),
      ],
      brokenReason: /"ETT - Abnormal"/,
    };
  })(),
  'plant-pathology-2020-fgvc7': (() => {
    const answers = [
      'image_id,healthy,multiple_diseases,rust,scab',
      ...rows4((i) => `t${i},${[0, 1, 2, 3].map((j) => (j === i ? 1 : 0)).join(',')}`),
    ];
    return {
      answers,
      perfect: answers,
      perfectScore: 1,
      broken: answers.map((l, i) => `${l},${i === 0 ? 'extra' : 0}`),
      brokenReason: /exactly the columns .*unexpected "extra"/,
    };
  })(),
  'jigsaw-toxic-comment-classification-challenge': (() => {
    const answers = [
      `id,${JIGSAW.join(',')}`,
      ...rows4((i) => `c${i},${JIGSAW.map((_, j) => (i + j) % 2).join(',')}`),
      `c9,${JIGSAW.map(() => -1).join(',')}`,
    ];
    const perfect = [...answers.slice(0, 5), `c9,${JIGSAW.map(() => 0.5).join(',')}`];
    return {
      answers,
      perfect,
      perfectScore: 1,
      broken: perfect.map((l) =>
        l
          .split(',')
          .filter((_, k) => k !== 4)
          .join(','),
      ),
      brokenReason: /missing the columns "threat"/,
    };
  })(),
  'playground-series-s3e18': (() => {
    const answers = ['id,EC1,EC2', ...rows4((i) => `${i},${i % 2},${(i >> 1) % 2}`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 1,
      broken: answers.map((l) => l.split(',').slice(0, 2).join(',')),
      brokenReason: /"EC1" and "EC2"/,
    };
  })(),
  'dog-breed-identification': (() => {
    const answers = oneHot(['affenpinscher', 'beagle', 'collie']);
    return {
      answers,
      perfect: answers,
      perfectScore: 0,
      broken: answers.map((l, i) => (i === 2 ? 'r1,0.5,0.4,0' : l)),
      brokenReason: /row 2 sums to 0\.9/,
    };
  })(),
  'leaf-classification': (() => {
    const answers = oneHot(['Acer_Capillipes', 'Quercus_Rubra', 'Tilia_Oliveri']);
    return {
      answers,
      perfect: answers,
      perfectScore: 0,
      broken: answers.map((l, i) => `${l},${i === 0 ? 'Extra_Species' : 0}`),
      brokenReason: /unexpected "Extra_Species"/,
    };
  })(),
  'spooky-author-identification': (() => {
    const answers = oneHot(['EAP', 'HPL', 'MWS']);
    return {
      answers,
      perfect: answers,
      perfectScore: 0,
      broken: answers.map((l) => `${l},0`),
      brokenReason: /shape \(4, 5\)/,
    };
  })(),
  'dogs-vs-cats-redux-kernels-edition': (() => {
    const answers = ['id,label', ...rows4((i) => `${i + 1},${i % 2}`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 0,
      broken: ['id,label', ...rows4((i) => `${i + 1},${i === 1 ? 2 : i % 2}`)],
      brokenReason: /within \[0, 1\]: row 2 is 2/,
    };
  })(),
  'cassava-leaf-disease-classification': accuracy('image_id', 'label', ['0', '3', '4', '1']),
  'tabular-playground-series-dec-2021': accuracy('Id', 'Cover_Type', ['1', '2', '3', '7']),
  'ml2021spring-hw2': accuracy('Id', 'ClassId', ['0', '12', '38', '5']),
  'movie-review-sentiment-analysis-kernels-only': accuracy('PhraseId', 'Sentiment', ['0', '2', '4', '1']),
  'spaceship-titanic': accuracy('PassengerId', 'Transported', ['True', 'False']),
  'text-normalization-challenge-english-language': accuracy('id', 'after', ['twelve', 'Dr.', 'sil', 'a']),
  'text-normalization-challenge-russian-language': accuracy('id', 'after', [
    'двенадцать',
    'доктор',
    'sil',
    'а',
  ]),
  'paddy-disease-classification': accuracy('image_id', 'label', ['blast', 'normal', 'tungro', 'hispa']),
  'plant-seedlings-classification': accuracy('file', 'species', [
    'Maize',
    'Charlock',
    'Cleavers',
    'Loose Silky-bent',
  ]),
  'new-york-city-taxi-fare-prediction': (() => {
    const answers = [
      'key,fare_amount',
      ...rows4((i) => `2015-01-0${i + 1} 10:00:00.000000${i},${5 + i * 2.5}`),
    ];
    return {
      answers,
      perfect: answers,
      perfectScore: 0,
      broken: ['fare_amount', '5', '7.5', '10', '12.5'],
      brokenReason: /missing the "key" column/,
    };
  })(),
  'petfinder-pawpularity-score': (() => {
    const answers = ['Id,Pawpularity', ...rows4((i) => `p${i},${10 + 20 * i}`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 0,
      broken: ['Id,Pawpularity', ...rows4((i) => `p${i},${i === 2 ? 0 : 10}`)],
      brokenReason: /within \[1, 100\]: row 3 holds 0/,
    };
  })(),
  'denoising-dirty-documents': (() => {
    const answers = ['id,value', ...rows4((i) => `1_1_${i + 1},${i / 4}`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 0,
      broken: ['id,value', ...rows4((i) => `1_1_${i + 1},${i === 0 ? 'dark' : 0.5}`)],
      brokenReason: /float values in "value": row 1 holds "dark"/,
    };
  })(),
  'nomad2018-predict-transparent-conductors': (() => {
    const answers = [
      'id,formation_energy_ev_natom,bandgap_energy_ev',
      ...rows4((i) => `${i + 1},${0.1 * i},${1 + i}`),
    ];
    return {
      answers,
      perfect: answers,
      perfectScore: 0,
      broken: answers.slice(0, 3),
      brokenReason: /expected 4 rows in submission, got 2/,
    };
  })(),
  'stanford-covid-vaccine': (() => {
    const answers = [
      'id_seqpos,reactivity,deg_Mg_pH10,deg_Mg_50C,deg_pH10,deg_50C,keep',
      ...rows4((i) => `id_x_${i},${i},${i / 2},${i / 4},0,0,${i < 3 ? 'True' : 'False'}`),
    ];
    return {
      answers,
      perfect: answers,
      perfectScore: 0,
      broken: answers.map((l) => l.split(',').slice(0, 5).join(',')),
      brokenReason: /missing "deg_50C"/,
    };
  })(),
  'ventilator-pressure-prediction': (() => {
    const answers = ['id,pressure,u_out', ...rows4((i) => `${i + 1},${5 + i},${i % 2}`)];
    const perfect = answers.map((l) => l.split(',').slice(0, 2).join(','));
    return {
      answers,
      perfect,
      perfectScore: 0,
      broken: perfect.map((l) => l.split(',')[0]!),
      brokenReason: /missing the "pressure" column/,
    };
  })(),
  'champs-scalar-coupling': (() => {
    const answers = [
      'id,type,scalar_coupling_constant',
      ...rows4((i) => `${i},${i % 2 ? '1JHC' : '2JHH'},${80 + i}`),
    ];
    const perfect = answers.map((l) => {
      const [a, , c] = l.split(',');
      return `${a},${c}`;
    });
    // A perfect type has MAE 0 and ln 0 = −∞, so the mean is −∞ (Kaggle's own perfect score).
    return {
      answers,
      perfect,
      perfectScore: -Infinity,
      broken: perfect.slice(0, 4),
      brokenReason: /"3" is missing/,
    };
  })(),
  'us-patent-phrase-to-phrase-matching': (() => {
    const answers = ['id,score', ...rows4((i) => `u${i},${[0, 0.25, 0.5, 1][i]}`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 1,
      broken: answers.slice(0, 3),
      brokenReason: /has 2 rows, answers have 4/,
    };
  })(),
  'h-and-m-personalized-fashion-recommendations': (() => {
    const answers = ['customer_id,prediction', ...rows4((i) => `cust${i},0${i}1 0${i}2`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 1,
      broken: answers.slice(0, 4),
      brokenReason: /"cust3" is missing/,
    };
  })(),
  'whale-categorization-playground': (() => {
    const answers = ['Image,Id', ...rows4((i) => `${i}.jpg,${i === 0 ? 'new_whale' : `w_${i}`}`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 1,
      broken: answers.map((l) => `${l},x`),
      brokenReason: /exactly the columns "Image", "Id"/,
    };
  })(),
  'hotel-id-2021-fgvc8': (() => {
    const answers = ['image,hotel_id', ...rows4((i) => `${i}.jpg,${1000 + i}`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 1,
      broken: ['image,hotel_id', ...rows4((i) => `${i + 1}.jpg,${1000 + i}`)],
      brokenReason: /"4\.jpg" on row 4 is not in the answers/,
    };
  })(),
  'freesound-audio-tagging-2019': (() => {
    const answers = [
      'fname,Accordion,Bark,Zipper_(clothing)',
      'a.wav,1,0,0',
      'b.wav,0,1,1',
      'c.wav,0,0,1',
      'd.wav,1,1,0',
    ];
    return {
      answers,
      perfect: answers,
      perfectScore: 1,
      broken: ['fname,Bark,Accordion,Zipper_(clothing)', ...answers.slice(1)],
      brokenReason: /column 2 is "Bark", expected "Accordion"/,
    };
  })(),
  'aptos2019-blindness-detection': (() => {
    const answers = ['id_code,diagnosis', ...rows4((i) => `img${i},${i}`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 1,
      broken: answers.slice(0, 4),
      brokenReason: /"img3" is missing/,
    };
  })(),
  'nfl-player-contact-detection': (() => {
    const answers = ['contact_id,contact', ...rows4((i) => `g_${i}_G,${i % 2}`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 1,
      broken: answers.map((l) => l.split(',')[0]!),
      brokenReason: /"contact_id" and "contact"/,
    };
  })(),
  'imet-2020-fgvc7': (() => {
    const answers = ['id,attribute_ids', ...rows4((i) => `im${i},${i} ${i + 10}`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 1,
      broken: answers.slice(0, 2),
      brokenReason: /has 1 rows, answers have 4/,
    };
  })(),
  'plant-pathology-2021-fgvc8': (() => {
    const answers = [
      'image,labels',
      'a.jpg,healthy',
      'b.jpg,scab frog_eye_leaf_spot',
      'c.jpg,rust',
      'd.jpg,complex',
    ];
    return {
      answers,
      perfect: answers,
      perfectScore: 1,
      broken: ['image,label', ...answers.slice(1)],
      brokenReason: /missing the "labels" column/,
    };
  })(),
  'tensorflow2-question-answering': {
    answers: TF2QA_ANSWERS,
    perfect: [
      'example_id,PredictionString',
      '-100_long,5:20',
      '-100_short,7:9',
      '200_long,',
      '200_short,',
      '300_long,1:4',
      '300_short,YES',
    ],
    perfectScore: 1,
    broken: [
      'example_id,PredictionString',
      '-100_long,5-20',
      '-100_short,7:9',
      '200_long,',
      '200_short,',
      '300_long,1:4',
      '300_short,YES',
    ],
    brokenReason: /invalid prediction on row 1: "5-20"/,
  },
  'billion-word-imputation': (() => {
    const answers = ['id,sentence', ...rows4((i) => `${i},"The cat sat , number ${i} ."`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 0,
      broken: ['id,sentence', '0,', ...answers.slice(2)],
      brokenReason: /"sentence" is empty on row 1/,
    };
  })(),
  'bms-molecular-translation': (() => {
    const answers = ['image_id,InChI', ...rows4((i) => `m${i},"InChI=1S/C${i + 1}H4/c1-2"`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 0,
      broken: answers.map((l) => l.split(',')[0]!),
      brokenReason: /missing the "InChI" column/,
    };
  })(),
  'multi-modal-gesture-recognition': (() => {
    const answers = ['Id,Sequence', ...rows4((i) => `${300 + i},${i + 1} ${i + 2} 7`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 0,
      broken: ['Id,Sequence', '300,1 two 7', ...answers.slice(2)],
      brokenReason: /integers separated by spaces: row 1 holds "1 two 7"/,
    };
  })(),
  'tweet-sentiment-extraction': (() => {
    const answers = ['textID,selected_text', ...rows4((i) => `t${i},so happy ${i}`)];
    return {
      answers,
      perfect: answers,
      perfectScore: 1,
      broken: ['textID,text', ...answers.slice(1)],
      brokenReason: /missing the "selected_text" column/,
    };
  })(),
  'hubmap-kidney-segmentation': (() => {
    const answers = [
      'id,encoding,width_pixels,height_pixels',
      'k1,1 2 5 1,3,2',
      'k2,,3,2',
      'k3,2 4,3,2',
      'k4,6 1,3,2',
    ];
    const perfect = ['id,predicted', 'k1,1 2 5 1', 'k2,', 'k3,2 4', 'k4,6 1'];
    return {
      answers,
      perfect,
      perfectScore: 1,
      broken: ['id,predicted', 'k1,1 3 2 2', ...perfect.slice(2)],
      brokenReason: /overlapping RLE pairs/,
    };
  })(),
  'uw-madison-gi-tract-image-segmentation': (() => {
    const answers = [
      'id,class,predicted,image_height,image_width',
      'case1_day1_slice_0001,stomach,1 2,2,2',
      'case1_day1_slice_0001,large_bowel,,2,2',
      'case1_day1_slice_0002,stomach,3 2,2,2',
      'case2_day3_slice_0001,stomach,,2,2',
    ];
    const perfect = answers.map((l) => l.split(',').slice(0, 3).join(','));
    return {
      answers,
      perfect,
      perfectScore: 1,
      broken: perfect.map((l) =>
        l
          .split(',')
          .filter((_, k) => k !== 1)
          .join(','),
      ),
      brokenReason: /"id", "class", "predicted"/,
    };
  })(),
  'osic-pulmonary-fibrosis-progression': (() => {
    const answers = [
      'Patient_Week,Patient,FVC',
      'P1_-3,P1,2000',
      'P1_5,P1,1900',
      'P1_9,P1,1850',
      'P1_20,P1,1800',
      'P2_0,P2,3000',
    ];
    const perfect = [
      'Patient_Week,FVC,Confidence',
      ...answers.slice(1).map((l) => {
        const [pw, , fvc] = l.split(',');
        return `${pw},${fvc},70`;
      }),
    ];
    // Δ = 0 and σ = max(70, 70) on every scored week → each term is −ln(√2·70).
    return {
      answers,
      perfect,
      perfectScore: -Math.log(Math.SQRT2 * 70),
      broken: [...perfect, 'P3_1,100,70'],
      brokenReason: /Patient_Week "P3_1" on row 6 does not exist/,
    };
  })(),
  'smartphone-decimeter-2022': (() => {
    const answers = [
      'tripId,UnixTimeMillis,LatitudeDegrees,LongitudeDegrees',
      't1,1,37.4,-122.1',
      't1,2,37.41,-122.11',
      't2,1,37.5,-122.2',
      't2,2,37.51,-122.21',
    ];
    return {
      answers,
      perfect: answers,
      perfectScore: 0,
      broken: [answers[0]!, answers[1]!, answers[2]!, answers[3]!, 't1,3,37.5,-122.2'],
      brokenReason:
        /same number of rows for each tripId: got 3 rows in the submission and 2 in the answers for tripId "t1"/,
    };
  })(),
  'hms-harmful-brain-activity-classification': (() => {
    const answers = [
      `eeg_id,${HMS.join(',')}`,
      ...rows4((i) => `${i},${HMS.map((_, j) => (j === i ? 3 : j === i + 1 ? 1 : 0)).join(',')}`),
    ];
    const perfect = [
      `eeg_id,${HMS.join(',')}`,
      ...rows4((i) => `${i},${HMS.map((_, j) => (j === i ? 0.75 : j === i + 1 ? 0.25 : 0)).join(',')}`),
    ];
    return {
      answers,
      perfect,
      perfectScore: 0,
      broken: perfect.map((l, i) => (i === 1 ? l.replace('0.75', '0.7') : l)),
      brokenReason: /add to 1 for each row: row 1 sums to 0\.95/,
    };
  })(),
  'kuzushiji-recognition': (() => {
    const answers = [
      'image_id,labels',
      'p1,U+0041 10 10 5 5 U+0042 30 30 5 5',
      'p2,',
      'p3,U+3042 0 0 100 100',
      'p4,U+0041 1 1 2 2',
    ];
    const perfect = [
      'image_id,labels',
      'p1,U+0041 12 12 U+0042 32 33',
      'p2,',
      'p3,U+3042 50 50',
      'p4,U+0041 2 2',
    ];
    return {
      answers,
      perfect,
      perfectScore: 1,
      broken: ['image_id,labels', 'p1,U+0041 12', ...perfect.slice(2)],
      brokenReason: /malformed prediction string on row 1/,
    };
  })(),
  'jigsaw-unintended-bias-in-toxicity-classification': (() => {
    const combos = [
      [1, 1],
      [0, 1],
      [1, 0],
      [0, 0],
    ] as const;
    const answers = [
      `id,toxicity,${IDENTITIES.join(',')}`,
      ...combos.map(([t, g], i) => `${i},${t ? 0.8 : 0.1},${IDENTITIES.map(() => (g ? 0.6 : 0)).join(',')}`),
    ];
    const perfect = ['id,prediction', ...combos.map(([t], i) => `${i},${t ? 0.9 : 0.2}`)];
    return {
      answers,
      perfect,
      perfectScore: 1,
      broken: ['id,score', ...perfect.slice(1)],
      brokenReason: /must have a "prediction" column/,
    };
  })(),
};
