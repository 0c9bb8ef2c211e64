import type { SynthWriter } from '../types.js';
import { aptos2019BlindnessDetection } from './aptos2019-blindness-detection.js';
import { bmsMolecularTranslation } from './bms-molecular-translation.js';
import { cassavaLeafDiseaseClassification } from './cassava-leaf-disease-classification.js';
import { champsScalarCoupling } from './champs-scalar-coupling.js';
import { hmsHarmfulBrainActivityClassification } from './hms-harmful-brain-activity-classification.js';
import { hotelId2021Fgvc8 } from './hotel-id-2021-fgvc8.js';
import { imet2020Fgvc7 } from './imet-2020-fgvc7.js';
import { kuzushijiRecognition } from './kuzushiji-recognition.js';
import { mlsp2013Birds } from './mlsp-2013-birds.js';
import { newYorkCityTaxiFarePrediction } from './new-york-city-taxi-fare-prediction.js';
import { nomad2018PredictTransparentConductors } from './nomad2018-predict-transparent-conductors.js';
import { petfinderPawpularityScore } from './petfinder-pawpularity-score.js';
import { plantPathology2021Fgvc8 } from './plant-pathology-2021-fgvc8.js';
import { spookyAuthorIdentification } from './spooky-author-identification.js';
import { tweetSentimentExtraction } from './tweet-sentiment-extraction.js';
import { usPatentPhraseToPhraseMatching } from './us-patent-phrase-to-phrase-matching.js';
import { ventilatorPressurePrediction } from './ventilator-pressure-prediction.js';

/**
 * One writer per MLE-bench competition aira ships (plugins/mlebench), keyed by competition id.
 * Each lives in its own file `./<id>.ts` and writes that competition's prepared layout
 * (see docs/mlebench-layouts.md for the facts each follows).
 */
export const MLEBENCH_SYNTH: Record<string, SynthWriter> = {
  'aptos2019-blindness-detection': aptos2019BlindnessDetection,
  'bms-molecular-translation': bmsMolecularTranslation,
  'cassava-leaf-disease-classification': cassavaLeafDiseaseClassification,
  'champs-scalar-coupling': champsScalarCoupling,
  'hms-harmful-brain-activity-classification': hmsHarmfulBrainActivityClassification,
  'hotel-id-2021-fgvc8': hotelId2021Fgvc8,
  'imet-2020-fgvc7': imet2020Fgvc7,
  'kuzushiji-recognition': kuzushijiRecognition,
  'mlsp-2013-birds': mlsp2013Birds,
  'new-york-city-taxi-fare-prediction': newYorkCityTaxiFarePrediction,
  'nomad2018-predict-transparent-conductors': nomad2018PredictTransparentConductors,
  'petfinder-pawpularity-score': petfinderPawpularityScore,
  'plant-pathology-2021-fgvc8': plantPathology2021Fgvc8,
  'spooky-author-identification': spookyAuthorIdentification,
  'tweet-sentiment-extraction': tweetSentimentExtraction,
  'us-patent-phrase-to-phrase-matching': usPatentPhraseToPhraseMatching,
  'ventilator-pressure-prediction': ventilatorPressurePrediction,
};
