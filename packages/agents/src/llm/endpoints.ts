import { ConfigError } from '@aira/core';
import type { RunConfig } from '@aira/coordinator';
import { LlmClient } from './client.js';
import { llmSettings } from './settings.js';
import { llmConfigOf } from './config.js';

/** What `llm.roles` may name: the LLM agents, and the operators of their jobs. */
const ROLES = ['react', 'operators', 'draft', 'mutate', 'improve', 'crossover', 'debug'];

/**
 * The LLM clients of one agent: the main endpoint, each role's model or endpoint (`llm.roles`, by
 * agent name, then by operator), and the fallbacks (`llm.fallbacks`) tried in order when a call
 * fails for good. One client per distinct setting, made on first use and shared by the jobs.
 */
export class Endpoints {
  private readonly clients = new Map<string, LlmClient>();

  constructor(
    private readonly config: RunConfig,
    private readonly env: NodeJS.ProcessEnv | undefined,
    private readonly agent: string,
    /** A client of one's own for the main endpoint (tests). */
    private readonly main?: LlmClient,
  ) {
    for (const role of Object.keys(llmConfigOf(config).roles)) {
      if (!ROLES.includes(role))
        throw new ConfigError(`llm.roles.${role}: not a role; the roles are ${ROLES.join(', ')}`);
    }
    for (const op of ['', 'draft']) this.forJob(op); // a missing key or model fails the run at its start
  }

  /** The clients a job of `operator` calls: its role's endpoint first, then the fallbacks. */
  forJob(operator: string): LlmClient[] {
    const roles = llmConfigOf(this.config).roles;
    const role = { ...roles[this.agent], ...(operator ? roles[operator] : undefined) };
    const first = Object.keys(role).length === 0 && this.main ? this.main : this.client(role);
    return [first, ...llmConfigOf(this.config).fallbacks.map((f) => this.client({ ...role, ...f }))];
  }

  private client(endpoint: Record<string, unknown>): LlmClient {
    const key = JSON.stringify(endpoint);
    let c = this.clients.get(key);
    if (!c)
      this.clients.set(key, (c = new LlmClient(llmSettings(this.config, this.env, this.agent, endpoint))));
    return c;
  }
}
