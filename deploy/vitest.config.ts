import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.js';

// Checks of the deployment examples (deploy/): schema validation only, no cluster.
export default mergeConfig(shared, defineProject({ test: { name: 'deploy', include: ['**/*.test.ts'] } }));
