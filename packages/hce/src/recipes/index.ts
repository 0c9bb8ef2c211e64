import type { Splitter } from '../split/types.js';
import { billionWordSplitter } from './billion-word-imputation.js';
import { freesoundSplitter } from './freesound-audio-tagging-2019.js';
import { handmSplitter } from './h-and-m-personalized-fashion-recommendations.js';
import { hotelIdSplitter } from './hotel-id-2021-fgvc8.js';
import { hubmapSplitter } from './hubmap-kidney-segmentation.js';
import { jigsawUnintendedBiasSplitter } from './jigsaw-unintended-bias-in-toxicity-classification.js';
import { kuzushijiSplitter } from './kuzushiji-recognition.js';
import { mlsp2013Splitter } from './mlsp2013.js';
import { multiModalGestureSplitter } from './multi-modal-gesture-recognition.js';
import { nflSplitter } from './nfl-player-contact-detection.js';
import { nomad2018Splitter } from './nomad2018.js';
import { osicSplitter } from './osic-pulmonary-fibrosis-progression.js';
import { smartphoneDecimeterSplitter } from './smartphone-decimeter-2022.js';
import { stanfordCovidVaccineSplitter } from './stanford-covid-vaccine.js';
import { tensorflow2QaSplitter } from './tensorflow2-question-answering.js';
import { uwMadisonSplitter } from './uw-madison-gi-tract-image-segmentation.js';
import { whaleCategorizationSplitter } from './whale-categorization-playground.js';

/**
 * HCE's own splitters for MLE-bench competitions whose manifest says split.method "custom" and
 * whose plugin ships no split(): the layouts are MLE-bench's (docs/hce-recipes.md),
 * so the recipe is HCE knowledge, not the plugin's. A plugin's split() always takes precedence.
 */
export const RECIPES: ReadonlyMap<string, { splitter: Splitter; version: number }> = new Map([
  ['billion-word-imputation', { splitter: billionWordSplitter, version: 1 }],
  ['freesound-audio-tagging-2019', { splitter: freesoundSplitter, version: 1 }],
  ['h-and-m-personalized-fashion-recommendations', { splitter: handmSplitter, version: 1 }],
  ['hotel-id-2021-fgvc8', { splitter: hotelIdSplitter, version: 1 }],
  ['hubmap-kidney-segmentation', { splitter: hubmapSplitter, version: 1 }],
  [
    'jigsaw-unintended-bias-in-toxicity-classification',
    { splitter: jigsawUnintendedBiasSplitter, version: 1 },
  ],
  ['kuzushiji-recognition', { splitter: kuzushijiSplitter, version: 1 }],
  ['mlsp-2013-birds', { splitter: mlsp2013Splitter, version: 1 }],
  ['multi-modal-gesture-recognition', { splitter: multiModalGestureSplitter, version: 1 }],
  ['nfl-player-contact-detection', { splitter: nflSplitter, version: 1 }],
  ['nomad2018-predict-transparent-conductors', { splitter: nomad2018Splitter, version: 1 }],
  ['osic-pulmonary-fibrosis-progression', { splitter: osicSplitter, version: 1 }],
  ['smartphone-decimeter-2022', { splitter: smartphoneDecimeterSplitter, version: 1 }],
  ['stanford-covid-vaccine', { splitter: stanfordCovidVaccineSplitter, version: 1 }],
  ['tensorflow2-question-answering', { splitter: tensorflow2QaSplitter, version: 1 }],
  ['uw-madison-gi-tract-image-segmentation', { splitter: uwMadisonSplitter, version: 1 }],
  ['whale-categorization-playground', { splitter: whaleCategorizationSplitter, version: 1 }],
]);
