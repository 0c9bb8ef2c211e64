import type { ToolCall, ToolSpec } from './types.js';

/**
 * The text protocol, for servers without tool calling. The model writes each call as a fenced
 * block tagged `tool` holding one JSON object:
 *
 *     ```tool
 *     {"name": "bash", "arguments": {"command": "ls data"}}
 *     ```
 *
 * Results come back as a user message per turn, one section per call, each headed
 * `Observation <id> (<tool>):`. The instructions shown to the model are a prompt template
 * (prompts/react/<version>/text-protocol.md) with the tool list filled in by `describeTools`.
 */

const BLOCK = /```[ \t]*(tool|tool_call)[ \t]*\r?\n([\s\S]*?)```/g;

/** The calls in a reply, in order; a block that is not a JSON call becomes a call with `error`. */
export function parseToolBlocks(text: string, idPrefix: string): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const id = `${idPrefix}-${calls.length + 1}`;
    const body = m[2]!.trim();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      calls.push({
        id,
        name: '',
        arguments: body,
        text: true,
        error: `the tool block is not valid JSON (${(err as Error).message})`,
      });
      continue;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      calls.push({
        id,
        name: '',
        arguments: body,
        text: true,
        error: 'the tool block must hold one JSON object {"name": ..., "arguments": {...}}',
      });
      continue;
    }
    const o = parsed as { name?: unknown; arguments?: unknown };
    if (typeof o.name !== 'string' || o.name === '') {
      calls.push({ id, name: '', arguments: body, text: true, error: 'the tool block has no "name" string' });
      continue;
    }
    const args =
      o.arguments === undefined
        ? '{}'
        : typeof o.arguments === 'string'
          ? o.arguments
          : JSON.stringify(o.arguments);
    calls.push({ id, name: o.name, arguments: args, text: true });
  }
  return calls;
}

const TAGGED = /<tool_call>\s*([\s\S]*?)\s*<\/tool_call>/g;

/**
 * Calls a model wrote in its own chat format because the server has no tool parser for it
 * (vLLM without --tool-call-parser, llama.cpp without --jinja): Hermes/Qwen
 * `<tool_call>{"name": …, "arguments": …}</tool_call>`, or the whole reply one JSON call
 * `{"name": …, "arguments"|"parameters": …}` (Llama 3.x). Only well-formed calls count.
 */
export function parseToolText(text: string, idPrefix: string): ToolCall[] {
  const bodies = [...text.matchAll(TAGGED)].map((m) => m[1]!);
  const whole = text.trim().replace(/^<\|python_tag\|>/, '');
  if (bodies.length === 0 && whole.startsWith('{') && whole.endsWith('}')) bodies.push(whole);
  const calls: ToolCall[] = [];
  for (const body of bodies) {
    let o: { name?: unknown; arguments?: unknown; parameters?: unknown };
    try {
      o = JSON.parse(body) as typeof o;
    } catch {
      continue;
    }
    if (!o || typeof o !== 'object' || typeof o.name !== 'string' || !o.name) continue;
    const a = o.arguments ?? o.parameters;
    calls.push({
      id: `${idPrefix}-${calls.length + 1}`,
      name: o.name,
      arguments: a === undefined ? '{}' : typeof a === 'string' ? a : JSON.stringify(a),
      text: true,
    });
  }
  return calls;
}

/** A call written back as a text-protocol block (history rendered for a text-protocol request). */
export function toolBlock(call: ToolCall): string {
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    args = call.arguments;
  }
  return `\`\`\`tool\n${JSON.stringify({ name: call.name, arguments: args })}\n\`\`\``;
}

/** Each tool with its arguments, for the text-protocol instructions. */
export function describeTools(tools: ToolSpec[]): string {
  return tools
    .map((t) => {
      const props = (t.parameters.properties ?? {}) as Record<
        string,
        { type?: string; description?: string }
      >;
      const required = new Set((t.parameters.required as string[] | undefined) ?? []);
      const args = Object.entries(props).map(
        ([k, p]) =>
          `    - ${k} (${p.type ?? 'any'}${required.has(k) ? '' : ', optional'})${p.description ? `: ${p.description}` : ''}`,
      );
      return `- ${t.name}: ${t.description}${args.length ? `\n${args.join('\n')}` : ''}`;
    })
    .join('\n');
}
