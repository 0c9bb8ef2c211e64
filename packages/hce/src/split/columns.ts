import { ConfigError } from '@aira/core';

/** Column name → index in a header, with errors that name the file and the manifest field asking for it. */
export class Columns {
  private readonly index = new Map<string, number>();

  constructor(
    readonly header: readonly string[],
    private readonly file: string,
  ) {
    header.forEach((c, i) => {
      if (!this.index.has(c)) this.index.set(c, i);
    });
  }

  has(name: string): boolean {
    return this.index.has(name);
  }

  /** Index of a column the manifest requires (`field` names the manifest field, e.g. split.id). */
  require(name: string, field: string): number {
    const i = this.index.get(name);
    if (i === undefined)
      throw new ConfigError(
        `${field}: column "${name}" is not in ${this.file} (columns: ${this.header.slice(0, 12).join(', ')}${this.header.length > 12 ? ', …' : ''})`,
      );
    return i;
  }

  get(name: string): number | undefined {
    return this.index.get(name);
  }
}
