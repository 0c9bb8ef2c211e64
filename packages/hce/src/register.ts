import { registerEvaluator, SELF_REPORTED, type Registry } from '@aira/coordinator';
import { hceEvaluator, hceOffEvaluator, type HceEvaluatorOptions } from './evaluator.js';

/**
 * Adds HCE to a coordinator registry: "hce" (what `--hce on`, and `auto` with a competition, use)
 * and, over "self-reported" (what `--hce off` uses), the variant that still grades test
 * predictions for the report when the run has a competition.
 */
export function registerHce(registry: Registry, options: HceEvaluatorOptions): Registry {
  registerEvaluator(registry, {
    id: 'hce',
    description: 'Hidden Consistent Evaluation: one fixed split, graded where agents cannot see',
    claims: (config, competition) => config.hce === 'on' || (config.hce === 'auto' && competition !== null),
    create: hceEvaluator(options),
  });
  return registerEvaluator(registry, {
    id: SELF_REPORTED,
    description: 'the score the solution prints; test predictions still graded for the report',
    create: hceOffEvaluator(options),
  });
}
