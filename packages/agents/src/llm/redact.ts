/**
 * Replaces secret values (the API key) wherever they appear in text or nested values before
 * anything is logged, journaled or shown: error messages, echoed headers, command output that
 * happened to print the environment.
 */
export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Array<string | undefined>) {
    // Short values would redact ordinary words; keys are long.
    this.secrets = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  }

  text(s: string): string {
    let out = s;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  }

  value<T>(v: T): T {
    if (this.secrets.length === 0) return v;
    return this.walk(v) as T;
  }

  private walk(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.walk(x));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = this.walk(x);
      return out;
    }
    return v;
  }
}
