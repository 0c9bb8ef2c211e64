import { ConfigError } from '@aira/core';
import {
  presetLayer,
  type ConfigLayer,
  type GivenSettings,
  type ResolveInput,
  type ResolvedConfig,
} from '@aira/coordinator';
import { defaultAgentLayers, resolveWithDefaultAgent } from './agents.js';

export interface Preset {
  description: string;
  /** Settings by path, as `--set` takes them; any layer (file, env, flag) that sets a path wins. */
  settings: Record<string, string>;
}

/**
 * Named defaults for `aira run`. `quickstart` is what `npm start` runs: the embedded suite's four
 * competitions run one after another on the local workers, so each gets 100 s of active time and
 * the whole study (with worker start, data preparation and the report) ends within 10 minutes
 * on 2 cores.
 */
export const PRESETS: Record<string, Preset> = {
  quickstart: {
    description:
      'the embedded suite in minutes: 100 s of search per competition, 60 s per execution, HCE on, evolution',
    settings: {
      hce: 'on',
      'search.policy': 'evolution',
      'budget.wallClock': '100s',
      'budget.perExec': '60s',
    },
  },
  none: { description: "no preset: the paper's defaults (72 h budget)", settings: {} },
};

/** The preset a suite gets when none is asked for: the embedded suite is meant to be quick. */
export const SUITE_PRESETS: Record<string, string> = { mini: 'quickstart' };

/**
 * Resolves `aira run`'s config with a preset as a layer under every other one: a preset's setting
 * applies only where flags, AIRA_* variables and the config file set nothing, and the provenance
 * says which preset set it (`--print-config`). Under the preset lies the default agent.
 */
export function resolveWithPreset(
  input: ResolveInput,
  preset?: string,
): ResolvedConfig & { preset: string | null } {
  if (preset !== undefined && !PRESETS[preset])
    throw new ConfigError(`--preset ${preset}: unknown preset (${Object.keys(PRESETS).join(', ')})`);
  let chosen: string | null = null;
  const presets = (given: GivenSettings): ConfigLayer[] => {
    const layers = defaultAgentLayers(given);
    const suite = given.get('suite');
    const name = preset ?? (typeof suite === 'string' ? SUITE_PRESETS[suite] : undefined);
    if (!name || name === 'none') return layers;
    chosen = name;
    const origin = preset ? `preset ${name}` : `preset ${name} (default for --suite ${String(suite)})`;
    return [...layers, presetLayer(origin, PRESETS[name]!.settings)];
  };
  const resolved = resolveWithDefaultAgent({ ...input, presets });
  return { ...resolved, preset: chosen };
}
