/**
 * A log destination for the server under test that keeps every line at level error or above
 * (pino levels: error 50, fatal 60), so a suite can assert that no input produced one.
 */
export class ErrorLog {
  readonly lines: string[] = [];
  write(line: string): void {
    try {
      const level = (JSON.parse(line) as { level?: number }).level ?? 0;
      if (level >= 50) this.lines.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
    } catch {
      this.lines.push(line);
    }
  }
  /** Lines logged since `mark` (an earlier `lines.length`). */
  since(mark: number): string[] {
    return this.lines.slice(mark);
  }
}
