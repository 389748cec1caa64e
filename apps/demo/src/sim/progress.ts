/**
 * A progress bar for long runs, on stderr. On a terminal it redraws one line (at most ten times a
 * second); elsewhere (a log file, a test) it writes a plain line at every tenth of the way, so logs
 * stay readable.
 */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export class ProgressBar {
  private lastDraw = 0;
  private lastDecile = -1;
  private finished = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly width = 30,
  ) {}

  update(done: number, total: number, label = ''): void {
    if (this.finished) return;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    if (this.stream.isTTY) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && fraction < 1) return;
      this.lastDraw = now;
      const filled = Math.round(fraction * this.width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${label}\u001b[K`);
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      this.stream.write(`progress ${(decile * 10).toString().padStart(3)}% ${label}\n`);
    }
  }

  done(label = ''): void {
    if (this.finished) return;
    this.update(1, 1, label);
    if (this.stream.isTTY) this.stream.write('\n');
    this.finished = true;
  }
}
