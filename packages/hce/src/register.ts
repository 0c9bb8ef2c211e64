import type { Registry } from '@aira/coordinator';
import { hceEvaluator, hceOffEvaluator, type HceEvaluatorOptions } from './evaluator.js';

/**
 * Adds HCE to a coordinator registry: "hce" (what `--hce on`, and `auto` with a competition, use)
 * and, over "self-reported" (what `--hce off` uses), the variant that still grades test
 * predictions for the report when the run has a competition.
 */
export function registerHce(registry: Registry, options: HceEvaluatorOptions): Registry {
  registry.evaluators.set('hce', hceEvaluator(options));
  registry.evaluators.set('self-reported', hceOffEvaluator(options));
  return registry;
}
