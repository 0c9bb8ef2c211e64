import type { ToolSpec } from '../llm/types.js';

/** The paper's tools (docs/paper.md §ReAct): a stateful bash, a stateful Python kernel, submit. */
export const BASH: ToolSpec = {
  name: 'bash',
  description:
    "Run a command in this job's bash shell. The shell persists between calls (working directory, variables, background jobs). The reply gives the output, the exit code and how long it took.",
  parameters: {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'the command(s) to run' },
      timeout: {
        type: 'number',
        description: 'seconds before the command is stopped (default: the time left in the job)',
      },
    },
    required: ['command'],
  },
};

export const PYTHON: ToolSpec = {
  name: 'python',
  description:
    "Run code in this job's Python kernel. Variables, imports and loaded data persist between calls. The reply gives what it printed (and the traceback on error) and how long it took.",
  parameters: {
    type: 'object',
    properties: {
      code: { type: 'string', description: 'Python code to run' },
      timeout: {
        type: 'number',
        description: 'seconds before the code is stopped (default: the time left in the job)',
      },
    },
    required: ['code'],
  },
};

export const SUBMIT: ToolSpec = {
  name: 'submit',
  description:
    'End the job with a solution: a Python file in the work folder that writes the prediction files the ' +
    'task asks for. The harness runs it from a clean submission folder (unless rerun is false) and ends ' +
    'the job if it succeeds; if it fails you see why and may fix it and submit again.',
  parameters: {
    type: 'object',
    properties: {
      path: {
        type: 'string',
        description: 'the solution file, relative to the work folder (default solution.py)',
      },
      summary: {
        type: 'string',
        description: 'one or two sentences on what the solution does and what changed',
      },
      rerun: {
        type: 'boolean',
        description:
          'false: keep the prediction files your last run of this file wrote instead of running it again (default true)',
      },
    },
    required: [],
  },
};

/** Optional file tools (`--file-tools`); off by default so the ablation measures what the paper did. */
export const READ_FILE: ToolSpec = {
  name: 'read_file',
  description:
    'Read a text file (path relative to the work folder, or absolute inside the session). Lines are numbered.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string' },
      offset: { type: 'integer', description: 'first line to show, 1-based (default 1)' },
      limit: { type: 'integer', description: 'most lines to show (default 400)' },
    },
    required: ['path'],
  },
};

export const WRITE_FILE: ToolSpec = {
  name: 'write_file',
  description:
    'Create or overwrite a text file (path relative to the work folder, or absolute inside the session).',
  parameters: {
    type: 'object',
    properties: { path: { type: 'string' }, content: { type: 'string' } },
    required: ['path', 'content'],
  },
};

export const EDIT_FILE: ToolSpec = {
  name: 'edit_file',
  description:
    'Replace one exact occurrence of old_string with new_string in a text file. Fails when old_string occurs zero or several times.',
  parameters: {
    type: 'object',
    properties: { path: { type: 'string' }, old_string: { type: 'string' }, new_string: { type: 'string' } },
    required: ['path', 'old_string', 'new_string'],
  },
};

export function reactTools(fileTools: boolean): ToolSpec[] {
  return fileTools ? [BASH, PYTHON, READ_FILE, WRITE_FILE, EDIT_FILE, SUBMIT] : [BASH, PYTHON, SUBMIT];
}

export type Args = Record<string, unknown>;

/**
 * Parses and checks a call's arguments against the tool's schema. Returns the arguments, or a
 * message the model can act on (the call is answered with it instead of being run).
 */
export function checkArgs(tool: ToolSpec, raw: string): { args: Args } | { error: string } {
  let parsed: unknown;
  const text = raw.trim() === '' ? '{}' : raw;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return {
      error: `the arguments of ${tool.name} are not valid JSON (${(err as Error).message}); send one JSON object such as ${example(tool)}`,
    };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    return { error: `the arguments of ${tool.name} must be a JSON object such as ${example(tool)}` };
  const args = parsed as Args;
  const props = (tool.parameters.properties ?? {}) as Record<string, { type: string }>;
  const problems: string[] = [];
  for (const key of (tool.parameters.required as string[] | undefined) ?? [])
    if (args[key] === undefined) problems.push(`"${key}" is missing`);
  for (const [key, value] of Object.entries(args)) {
    const spec = props[key];
    if (!spec) {
      problems.push(
        `"${key}" is not an argument of ${tool.name} (it takes ${Object.keys(props).join(', ')})`,
      );
      continue;
    }
    if (value === null || value === undefined) continue;
    const ok =
      spec.type === 'string'
        ? typeof value === 'string'
        : spec.type === 'boolean'
          ? typeof value === 'boolean'
          : spec.type === 'integer'
            ? Number.isInteger(value)
            : spec.type === 'number'
              ? typeof value === 'number' && Number.isFinite(value)
              : true;
    if (!ok)
      problems.push(
        `"${key}" must be ${spec.type === 'integer' ? 'an integer' : `a ${spec.type}`}, not ${JSON.stringify(value).slice(0, 40)}`,
      );
  }
  return problems.length ? { error: `bad arguments for ${tool.name}: ${problems.join('; ')}` } : { args };
}

function example(tool: ToolSpec): string {
  const props = (tool.parameters.properties ?? {}) as Record<string, { type: string }>;
  const required = (tool.parameters.required as string[] | undefined) ?? [];
  const keys = required.length ? required : Object.keys(props).slice(0, 1);
  return JSON.stringify(
    Object.fromEntries(
      keys.map((k) => [k, props[k]?.type === 'string' ? '...' : props[k]?.type === 'boolean' ? true : 1]),
    ),
  );
}
