import { describe, expect, it } from 'vitest';
import { ConfigError } from '@aira/core';
import { renderTemplate } from './prompts.js';
import { Redactor } from './redact.js';
import { backoffMs, retryAfterMs } from './retry.js';
import { describeTools, parseToolBlocks } from './text-protocol.js';
import type { Turn } from './types.js';
import { toWire } from './wire.js';

describe('the text protocol', () => {
  it('reads each ```tool block in order, and turns unreadable ones into calls with an error', () => {
    const reply = [
      'Let me look.',
      '```tool',
      '{"name": "bash", "arguments": {"command": "ls"}}',
      '```',
      'and',
      '```tool',
      '{"name": "python", "arguments": {"code": "print(1)"',
      '```',
      '```tool',
      '["bash"]',
      '```',
      '```tool_call',
      '{"arguments": {}}',
      '```',
      '```python',
      'not a call',
      '```',
    ].join('\n');
    const calls = parseToolBlocks(reply, 's1');
    expect(calls.map((c) => [c.id, c.name, c.error ? c.error.split(' (')[0] : null])).toEqual([
      ['s1-1', 'bash', null],
      ['s1-2', '', 'the tool block is not valid JSON'],
      ['s1-3', '', 'the tool block must hold one JSON object {"name": ..., "arguments": {...}}'],
      ['s1-4', '', 'the tool block has no "name" string'],
    ]);
    expect(calls[0]!.arguments).toBe('{"command":"ls"}');
  });

  it('lists tools with their arguments for the instructions', () => {
    const text = describeTools([
      {
        name: 'bash',
        description: 'run it',
        parameters: {
          type: 'object',
          properties: { command: { type: 'string', description: 'what' }, timeout: { type: 'number' } },
          required: ['command'],
        },
      },
    ]);
    expect(text).toBe('- bash: run it\n    - command (string): what\n    - timeout (number, optional)');
  });

  it('renders one conversation natively or as text, and re-renders native calls as blocks after a switch', () => {
    const turns: Turn[] = [
      { role: 'system', content: 'sys' },
      { role: 'user', content: 'task' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'a', name: 'bash', arguments: '{"command":"ls"}' },
          { id: 'b', name: 'bash', arguments: '{bad' },
        ],
      },
      { role: 'tool', callId: 'a', name: 'bash', content: 'x.csv' },
      { role: 'tool', callId: 'b', name: 'bash', content: 'error: not JSON' },
    ];
    const native = toWire(turns, 'native', 'INSTR');
    expect(native.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool']);
    expect(native[0]!.content).toBe('sys');
    const calls = (native[2] as { tool_calls: Array<{ function: { arguments: string } }> }).tool_calls;
    expect(calls[1]!.function.arguments).toBe('{"unparsed":"{bad"}');
    const text = toWire(turns, 'text', 'INSTR');
    expect(text.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(text[0]!.content).toBe('sys\n\nINSTR');
    expect(text[2]!.content).toContain('```tool\n{"name":"bash","arguments":{"command":"ls"}}\n```');
    expect(text[3]!.content).toBe('Observation a (bash):\nx.csv\n\nObservation b (bash):\nerror: not JSON');
  });
});

describe('prompt templates', () => {
  it('fills values and sections, drops section-only lines, and names unknown variables', () => {
    const t = 'A {{x}}\n{{#on}}\nshown {{x}}\n{{/on}}\n{{^on}}\nhidden\n{{/on}}\nB';
    expect(renderTemplate(t, { x: '{{y}}', on: true })).toBe('A {{y}}\nshown {{y}}\nB');
    expect(renderTemplate(t, { x: 1, on: '' })).toBe('A 1\nhidden\nB');
    expect(() => renderTemplate('{{nope}}', {}, 'task.md')).toThrow(ConfigError);
    expect(() => renderTemplate('{{nope}}', {}, 'task.md')).toThrow('task.md: unknown variable {{nope}}');
    expect(() => renderTemplate('{{#a}}x', { a: true }, 't')).toThrow('t: {{#a}} is never closed');
  });
});

describe('retry pacing and redaction', () => {
  it('reads Retry-After in ms, seconds or as a date, and backs off exponentially without it', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    expect(retryAfterMs(new Headers({}))).toBeNull();
    expect([0, 1, 2, 10].map((n) => backoffMs(n, 1000, () => 1))).toEqual([1000, 2000, 4000, 60_000]);
    expect(backoffMs(0, 1000, () => 0)).toBe(500);
  });

  it('removes the key from nested values and text', () => {
    const r = new Redactor(['sk-abcdefgh12345', undefined, 'short']);
    expect(r.value({ a: ['x sk-abcdefgh12345 y'], b: 3, c: { d: 'sk-abcdefgh12345' } })).toEqual({
      a: ['x [redacted] y'],
      b: 3,
      c: { d: '[redacted]' },
    });
    expect(r.text('short stays')).toBe('short stays');
  });
});
