import type { SynthWriter } from '../types.js';
import { aerialCactusIdentification } from './aerial-cactus-identification.js';
import { aptos2019BlindnessDetection } from './aptos2019-blindness-detection.js';
import { billionWordImputation } from './billion-word-imputation.js';
import { bmsMolecularTranslation } from './bms-molecular-translation.js';
import { cassavaLeafDiseaseClassification } from './cassava-leaf-disease-classification.js';
import { champsScalarCoupling } from './champs-scalar-coupling.js';
import { denoisingDirtyDocuments } from './denoising-dirty-documents.js';
import { detectingInsultsInSocialCommentary } from './detecting-insults-in-social-commentary.js';
import { dogBreedIdentification } from './dog-breed-identification.js';
import { dogsVsCatsReduxKernelsEdition } from './dogs-vs-cats-redux-kernels-edition.js';
import { freesoundAudioTagging2019 } from './freesound-audio-tagging-2019.js';
import { handmFashion } from './h-and-m-personalized-fashion-recommendations.js';
import { histopathologicCancerDetection } from './histopathologic-cancer-detection.js';
import { hmsHarmfulBrainActivityClassification } from './hms-harmful-brain-activity-classification.js';
import { hotelId2021Fgvc8 } from './hotel-id-2021-fgvc8.js';
import { hubmapKidneySegmentation } from './hubmap-kidney-segmentation.js';
import { imet2020Fgvc7 } from './imet-2020-fgvc7.js';
import { invasiveSpeciesMonitoring } from './invasive-species-monitoring.js';
import { jigsawToxicCommentClassificationChallenge } from './jigsaw-toxic-comment-classification-challenge.js';
import { jigsawUnintendedBias } from './jigsaw-unintended-bias-in-toxicity-classification.js';
import { kuzushijiRecognition } from './kuzushiji-recognition.js';
import { leafClassification } from './leaf-classification.js';
import { ml2021springHw2 } from './ml2021spring-hw2.js';
import { mlsp2013Birds } from './mlsp-2013-birds.js';
import { movieReviewSentimentAnalysisKernelsOnly } from './movie-review-sentiment-analysis-kernels-only.js';
import { multiModalGestureRecognition } from './multi-modal-gesture-recognition.js';
import { newYorkCityTaxiFarePrediction } from './new-york-city-taxi-fare-prediction.js';
import { nflPlayerContactDetection } from './nfl-player-contact-detection.js';
import { nomad2018PredictTransparentConductors } from './nomad2018-predict-transparent-conductors.js';
import { osicPulmonaryFibrosis } from './osic-pulmonary-fibrosis-progression.js';
import { paddyDiseaseClassification } from './paddy-disease-classification.js';
import { petfinderPawpularityScore } from './petfinder-pawpularity-score.js';
import { plantPathology2020Fgvc7 } from './plant-pathology-2020-fgvc7.js';
import { plantPathology2021Fgvc8 } from './plant-pathology-2021-fgvc8.js';
import { plantSeedlingsClassification } from './plant-seedlings-classification.js';
import { playgroundSeriesS3e18 } from './playground-series-s3e18.js';
import { randomActsOfPizza } from './random-acts-of-pizza.js';
import { ranzcrClipCatheterLineClassification } from './ranzcr-clip-catheter-line-classification.js';
import { siimIsicMelanomaClassification } from './siim-isic-melanoma-classification.js';
import { smartphoneDecimeter2022 } from './smartphone-decimeter-2022.js';
import { spaceshipTitanic } from './spaceship-titanic.js';
import { spookyAuthorIdentification } from './spooky-author-identification.js';
import { stanfordCovidVaccine } from './stanford-covid-vaccine.js';
import { tabularPlaygroundSeriesDec2021 } from './tabular-playground-series-dec-2021.js';
import { tabularPlaygroundSeriesMay2022 } from './tabular-playground-series-may-2022.js';
import { tensorflow2QuestionAnswering } from './tensorflow2-question-answering.js';
import { textNormalizationChallengeEnglishLanguage } from './text-normalization-challenge-english-language.js';
import { textNormalizationChallengeRussianLanguage } from './text-normalization-challenge-russian-language.js';
import { theIcml2013WhaleChallengeRightWhaleRedux } from './the-icml-2013-whale-challenge-right-whale-redux.js';
import { tweetSentimentExtraction } from './tweet-sentiment-extraction.js';
import { usPatentPhraseToPhraseMatching } from './us-patent-phrase-to-phrase-matching.js';
import { uwMadisonGiTract } from './uw-madison-gi-tract-image-segmentation.js';
import { ventilatorPressurePrediction } from './ventilator-pressure-prediction.js';
import { whaleCategorizationPlayground } from './whale-categorization-playground.js';

/**
 * One writer per MLE-bench competition aira ships (plugins/mlebench), keyed by competition id.
 * Each lives in its own file `./<id>.ts` and writes that competition's prepared layout
 * (see docs/mlebench-layouts.md for the facts each follows).
 */
export const MLEBENCH_SYNTH: Record<string, SynthWriter> = {
  'aerial-cactus-identification': aerialCactusIdentification,
  'aptos2019-blindness-detection': aptos2019BlindnessDetection,
  'billion-word-imputation': billionWordImputation,
  'bms-molecular-translation': bmsMolecularTranslation,
  'cassava-leaf-disease-classification': cassavaLeafDiseaseClassification,
  'champs-scalar-coupling': champsScalarCoupling,
  'denoising-dirty-documents': denoisingDirtyDocuments,
  'detecting-insults-in-social-commentary': detectingInsultsInSocialCommentary,
  'dog-breed-identification': dogBreedIdentification,
  'dogs-vs-cats-redux-kernels-edition': dogsVsCatsReduxKernelsEdition,
  'freesound-audio-tagging-2019': freesoundAudioTagging2019,
  'h-and-m-personalized-fashion-recommendations': handmFashion,
  'histopathologic-cancer-detection': histopathologicCancerDetection,
  'hms-harmful-brain-activity-classification': hmsHarmfulBrainActivityClassification,
  'hotel-id-2021-fgvc8': hotelId2021Fgvc8,
  'hubmap-kidney-segmentation': hubmapKidneySegmentation,
  'imet-2020-fgvc7': imet2020Fgvc7,
  'invasive-species-monitoring': invasiveSpeciesMonitoring,
  'jigsaw-toxic-comment-classification-challenge': jigsawToxicCommentClassificationChallenge,
  'jigsaw-unintended-bias-in-toxicity-classification': jigsawUnintendedBias,
  'kuzushiji-recognition': kuzushijiRecognition,
  'leaf-classification': leafClassification,
  'ml2021spring-hw2': ml2021springHw2,
  'mlsp-2013-birds': mlsp2013Birds,
  'movie-review-sentiment-analysis-kernels-only': movieReviewSentimentAnalysisKernelsOnly,
  'multi-modal-gesture-recognition': multiModalGestureRecognition,
  'new-york-city-taxi-fare-prediction': newYorkCityTaxiFarePrediction,
  'nfl-player-contact-detection': nflPlayerContactDetection,
  'nomad2018-predict-transparent-conductors': nomad2018PredictTransparentConductors,
  'osic-pulmonary-fibrosis-progression': osicPulmonaryFibrosis,
  'paddy-disease-classification': paddyDiseaseClassification,
  'petfinder-pawpularity-score': petfinderPawpularityScore,
  'plant-pathology-2020-fgvc7': plantPathology2020Fgvc7,
  'plant-pathology-2021-fgvc8': plantPathology2021Fgvc8,
  'plant-seedlings-classification': plantSeedlingsClassification,
  'playground-series-s3e18': playgroundSeriesS3e18,
  'random-acts-of-pizza': randomActsOfPizza,
  'ranzcr-clip-catheter-line-classification': ranzcrClipCatheterLineClassification,
  'siim-isic-melanoma-classification': siimIsicMelanomaClassification,
  'smartphone-decimeter-2022': smartphoneDecimeter2022,
  'spaceship-titanic': spaceshipTitanic,
  'spooky-author-identification': spookyAuthorIdentification,
  'stanford-covid-vaccine': stanfordCovidVaccine,
  'tabular-playground-series-dec-2021': tabularPlaygroundSeriesDec2021,
  'tabular-playground-series-may-2022': tabularPlaygroundSeriesMay2022,
  'tensorflow2-question-answering': tensorflow2QuestionAnswering,
  'text-normalization-challenge-english-language': textNormalizationChallengeEnglishLanguage,
  'text-normalization-challenge-russian-language': textNormalizationChallengeRussianLanguage,
  'the-icml-2013-whale-challenge-right-whale-redux': theIcml2013WhaleChallengeRightWhaleRedux,
  'tweet-sentiment-extraction': tweetSentimentExtraction,
  'us-patent-phrase-to-phrase-matching': usPatentPhraseToPhraseMatching,
  'uw-madison-gi-tract-image-segmentation': uwMadisonGiTract,
  'ventilator-pressure-prediction': ventilatorPressurePrediction,
  'whale-categorization-playground': whaleCategorizationPlayground,
};
