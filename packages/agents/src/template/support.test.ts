import { describe, expect, it } from 'vitest';
import { loadRegistry } from '@aira/competitions';
import { templateUnsupported } from './support.js';
import { repoPlugins } from '@aira/testing';

describe('which competitions the template agent can serve, from their manifests', () => {
  it('flags the twelve MLE-bench-30 competitions whose runs ended with only invalid candidates, and none of the five it serves', async () => {
    const reg = await loadRegistry(repoPlugins());
    const why = (id: string) => templateUnsupported(reg.find(id)!.manifest);
    const unserved = {
      'aptos2019-blindness-detection': /images given as files \(train_images, test_images\)/,
      'cassava-leaf-disease-classification': /images given as files/,
      'hotel-id-2021-fgvc8': /task "retrieval"/,
      'imet-2020-fgvc7': /task "multilabel-classification"/,
      'kuzushiji-recognition': /task "object-detection"/,
      'plant-pathology-2021-fgvc8': /task "multilabel-classification"/,
      'bms-molecular-translation': /task "sequence-generation"/,
      'nomad2018-predict-transparent-conductors':
        /2 label columns \(formation_energy_ev_natom, bandgap_energy_ev\); templates predict one/,
      'hms-harmful-brain-activity-classification': /6 label columns/,
      'mlsp-2013-birds': /task "multilabel-classification"/,
      'tweet-sentiment-extraction': /task "span-extraction"/,
      'petfinder-pawpularity-score': /images given as files \(train, test\)/,
    };
    for (const [id, re] of Object.entries(unserved)) expect(why(id), id).toMatch(re);
    for (const id of [
      'spooky-author-identification',
      'new-york-city-taxi-fare-prediction',
      'us-patent-phrase-to-phrase-matching',
      'champs-scalar-coupling',
      'ventilator-pressure-prediction',
      'spaceship-titanic',
    ])
      expect(why(id), id).toBeNull();
    // Images given as pixel columns of a CSV (the embedded suite's Fashion-MNIST) are served.
    expect(why('mini-fashion-mnist')).toBeNull();
    // A text competition whose test inputs are not a table.
    expect(why('random-acts-of-pizza')).toMatch(
      /no input table for the hidden parts \(test inputs: test\.json\)/,
    );
  });
});
