import type { SynthWriter } from '../types.js';
import { billionWordImputation } from './billion-word-imputation.js';
import { freesoundAudioTagging2019 } from './freesound-audio-tagging-2019.js';
import { handmFashion } from './h-and-m-personalized-fashion-recommendations.js';
import { hubmapKidneySegmentation } from './hubmap-kidney-segmentation.js';
import { jigsawUnintendedBias } from './jigsaw-unintended-bias-in-toxicity-classification.js';
import { multiModalGestureRecognition } from './multi-modal-gesture-recognition.js';
import { nflPlayerContactDetection } from './nfl-player-contact-detection.js';
import { osicPulmonaryFibrosis } from './osic-pulmonary-fibrosis-progression.js';
import { smartphoneDecimeter2022 } from './smartphone-decimeter-2022.js';
import { stanfordCovidVaccine } from './stanford-covid-vaccine.js';
import { tensorflow2QuestionAnswering } from './tensorflow2-question-answering.js';
import { uwMadisonGiTract } from './uw-madison-gi-tract-image-segmentation.js';
import { whaleCategorizationPlayground } from './whale-categorization-playground.js';

/**
 * One writer per MLE-bench competition aira ships (plugins/mlebench), keyed by competition id.
 * Each lives in its own file `./<id>.ts` and writes that competition's prepared layout
 * (see docs/mlebench-layouts.md for the facts each follows).
 */
export const MLEBENCH_SYNTH: Record<string, SynthWriter> = {
  'billion-word-imputation': billionWordImputation,
  'freesound-audio-tagging-2019': freesoundAudioTagging2019,
  'h-and-m-personalized-fashion-recommendations': handmFashion,
  'hubmap-kidney-segmentation': hubmapKidneySegmentation,
  'jigsaw-unintended-bias-in-toxicity-classification': jigsawUnintendedBias,
  'multi-modal-gesture-recognition': multiModalGestureRecognition,
  'nfl-player-contact-detection': nflPlayerContactDetection,
  'osic-pulmonary-fibrosis-progression': osicPulmonaryFibrosis,
  'smartphone-decimeter-2022': smartphoneDecimeter2022,
  'stanford-covid-vaccine': stanfordCovidVaccine,
  'tensorflow2-question-answering': tensorflow2QuestionAnswering,
  'uw-madison-gi-tract-image-segmentation': uwMadisonGiTract,
  'whale-categorization-playground': whaleCategorizationPlayground,
};
