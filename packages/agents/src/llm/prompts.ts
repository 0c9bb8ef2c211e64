import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@aira/core';

/** packages/agents/prompts: the same from src/ (tests) and dist/ (the built CLI). */
export const PROMPTS_ROOT = fileURLToPath(new URL('../../prompts/', import.meta.url));

export type PromptFamily = 'react' | 'operators';

/**
 * The folder of one prompt version: `v1` names packages/agents/prompts/<family>/v1; anything else
 * is a folder of the user's own (holding <family>/ or the templates themselves).
 */
export function promptDir(family: PromptFamily, version: string): string {
  if (/^v\d+$/.test(version)) {
    const dir = join(PROMPTS_ROOT, family, version);
    if (!existsSync(dir))
      throw new ConfigError(
        `agent.prompts: no prompt version "${version}" for ${family} (in ${join(PROMPTS_ROOT, family)})`,
      );
    return dir;
  }
  const base = isAbsolute(version) ? version : resolve(version);
  if (!existsSync(base) || !statSync(base).isDirectory())
    throw new ConfigError(`agent.prompts: "${version}" is neither a version (v1) nor a folder`);
  return existsSync(join(base, family)) ? join(base, family) : base;
}

const cache = new Map<string, string>();

export function loadTemplate(dir: string, name: string): string {
  const path = join(dir, name);
  let text = cache.get(path);
  if (text === undefined) {
    if (!existsSync(path)) throw new ConfigError(`agent.prompts: template ${path} is missing`);
    text = readFileSync(path, 'utf8');
    cache.set(path, text);
  }
  return text;
}

export type TemplateVars = Record<string, string | number | boolean | null | undefined>;

const TAG = /\{\{([#^/]?)\s*([\w.]+)\s*\}\}/g;

/**
 * Fills a template: `{{name}}` is replaced by the value; `{{#name}}…{{/name}}` is kept only when the
 * value is set (non-empty, non-zero, true) and `{{^name}}…{{/name}}` only when it is not. A line
 * holding nothing but a section tag disappears with it. A name the variables lack is an error
 * naming the template, so a typo in a prompt file cannot go unnoticed.
 */
export function renderTemplate(template: string, vars: TemplateVars, where = 'template'): string {
  const lines = template.replace(/^[ \t]*(\{\{[#^/]\s*[\w.]+\s*\}\})[ \t]*\r?\n/gm, '$1');
  const has = (name: string) => {
    if (!(name in vars)) throw new ConfigError(`${where}: unknown variable {{${name}}}`);
    const v = vars[name];
    return v !== undefined && v !== null && v !== '' && v !== false && v !== 0;
  };
  let out = '';
  let pos = 0;
  const stack: Array<{ name: string; keep: boolean }> = [];
  const emitting = () => stack.every((s) => s.keep);
  for (const m of lines.matchAll(TAG)) {
    if (emitting()) out += lines.slice(pos, m.index);
    pos = m.index! + m[0].length;
    const [, sigil, name] = m as unknown as [string, string, string];
    if (sigil === '#' || sigil === '^') stack.push({ name, keep: sigil === '#' ? has(name) : !has(name) });
    else if (sigil === '/') {
      const top = stack.pop();
      if (!top || top.name !== name) throw new ConfigError(`${where}: {{/${name}}} closes nothing`);
    } else if (emitting()) {
      has(name);
      const v = vars[name];
      out += v === undefined || v === null ? '' : String(v);
    }
  }
  if (stack.length) throw new ConfigError(`${where}: {{#${stack[stack.length - 1]!.name}}} is never closed`);
  if (emitting()) out += lines.slice(pos);
  return out;
}

/** Loads and fills one template of a prompt folder. */
export function renderPrompt(dir: string, name: string, vars: TemplateVars): string {
  return renderTemplate(loadTemplate(dir, name), vars, join(dir, name)).trim();
}
