// Loaded by @aira/competitions beside manifest.json: the code grader and the data preparation.
import { miniPluginCode } from '@aira/plugin-mini';

export const { grade, prepare } = miniPluginCode('mini-letter');
