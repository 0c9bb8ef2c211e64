/** An error whose message is meant for the person at the terminal: one line, no stack trace. */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Bad configuration or input: names what is wrong and where (file, line, field path). */
export class ConfigError extends UserError {
  override name = 'ConfigError';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
