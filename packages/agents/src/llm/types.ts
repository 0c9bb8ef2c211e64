/** A tool the model may call: its name, what it does, and a JSON schema of its arguments object. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** One tool call as the model wrote it; `arguments` is the raw text (parsed and checked by the agent). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
  /** True when the model wrote the call as a text-protocol block (not a native tool call). */
  text?: boolean;
  /** Set when the call itself could not be read (a text-protocol block that is not JSON, …). */
  error?: string;
}

/**
 * A conversation in a form independent of the wire protocol: the client renders it as native
 * tool messages or as the text protocol, so a job can switch protocol halfway.
 */
export type Turn =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls: ToolCall[]; reasoning?: string }
  | { role: 'tool'; callId: string; name: string; content: string };

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the server served from its cache (priced at the cached-input price). */
  cachedTokens: number;
  /** True when the server sent no usage and the counts are estimated from the text (4 chars a token). */
  estimated: boolean;
}

export type ToolProtocol = 'native' | 'text';

export interface Completion {
  /** Id of this call in the LLM log (`<prefix>-<n>`). */
  callId: string;
  content: string;
  /** A reasoning model's thinking (`reasoning_content` / `reasoning`): logged, sent back only with llm.sendReasoning. */
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason: string;
  usage: Usage;
  costUsd: number;
  protocol: ToolProtocol;
  model: string;
  durationMs: number;
  /** Requests sent for this call (1 + retries). */
  attempts: number;
}
