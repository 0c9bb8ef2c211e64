import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { toolBlock } from './text-protocol.js';
import type { ToolProtocol, Turn } from './types.js';

/** The section that carries one tool result in the text protocol. */
export function observationHeader(callId: string, name: string): string {
  return `Observation ${callId} (${name || 'unreadable call'}):`;
}

/**
 * Renders a conversation for the wire. Native: tool calls and `tool` messages. Text: the protocol
 * instructions appended to the system message, calls as ```tool blocks in the assistant's text,
 * and each turn's results as one user message. Calls the model wrote as text blocks while on the
 * native protocol are answered in text too (no server id to answer them by).
 */
export function toWire(
  turns: Turn[],
  protocol: ToolProtocol,
  textInstructions?: string,
  sendReasoning = false,
): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  const textCalls = new Set<string>();
  let pendingText: string[] = [];
  const flush = () => {
    if (pendingText.length) out.push({ role: 'user', content: pendingText.join('\n\n') });
    pendingText = [];
  };
  let systemDone = false;
  for (const t of turns) {
    if (t.role === 'tool') {
      if (protocol === 'native' && !textCalls.has(t.callId)) {
        flush();
        out.push({ role: 'tool', tool_call_id: t.callId, content: t.content });
      } else pendingText.push(`${observationHeader(t.callId, t.name)}\n${t.content}`);
      continue;
    }
    flush();
    if (t.role === 'system') {
      const extra = protocol === 'text' && textInstructions && !systemDone ? `\n\n${textInstructions}` : '';
      systemDone = true;
      out.push({ role: 'system', content: t.content + extra });
    } else if (t.role !== 'assistant') out.push({ role: 'user', content: t.content });
    else {
      const native = t.toolCalls.filter((c) => !c.text && !c.error);
      for (const c of t.toolCalls) if (c.text || c.error) textCalls.add(c.id);
      if (protocol === 'native' && native.length > 0) {
        out.push({
          role: 'assistant',
          content: t.content || null,
          tool_calls: native.map((c) => ({
            id: c.id,
            type: 'function' as const,
            function: { name: c.name, arguments: jsonOrWrapped(c.arguments) },
          })),
          ...reasoningOf(t, sendReasoning),
        });
      } else {
        // Calls made natively before a switch to text are written back as blocks.
        const blocks = protocol === 'text' ? native.map(toolBlock) : [];
        for (const c of native) if (protocol === 'text') textCalls.add(c.id);
        out.push({
          role: 'assistant',
          content: [t.content, ...blocks].filter(Boolean).join('\n\n'),
          ...reasoningOf(t, sendReasoning),
        });
      }
    }
  }
  flush();
  if (protocol === 'text' && textInstructions && !systemDone)
    out.unshift({ role: 'system', content: textInstructions });
  return out;
}

/**
 * A reasoning model's thinking goes back only when asked (`llm.sendReasoning`): vLLM's and
 * DeepSeek's guides say not to send `reasoning_content` back, and it is often most of the tokens.
 */
function reasoningOf(t: Extract<Turn, { role: 'assistant' }>, send: boolean): Record<string, string> {
  return send && t.reasoning ? { reasoning_content: t.reasoning } : {};
}

/** Servers that re-parse past calls (chat templates) choke on arguments that are not JSON: wrap them. */
function jsonOrWrapped(args: string): string {
  try {
    JSON.parse(args);
    return args;
  } catch {
    return JSON.stringify({ unparsed: args });
  }
}
