/**
 * A progress bar on standard error (cli-progress), for long work on a
 * terminal. Loaded only when one is drawn.
 *
 * @module
 */

/** A progress bar over a number of bytes. */
export interface Progress {
  /** Counts `bytes` more as done. */
  advance(bytes: number): void;
  /** Fills the bar and says what comes next, e.g. `checking seats`. */
  finish(next: string): void;
  /** Removes the bar; idempotent. */
  stop(): void;
}

/**
 * Starts a progress bar of reading `total` bytes.
 *
 * @param stream - the terminal to draw on (standard error)
 * @param total - the bytes to read
 */
export async function startProgress(stream: NodeJS.WritableStream, total: number): Promise<Progress> {
  const { default: progress } = await import('cli-progress');
  const bar = new progress.SingleBar(
    {
      stream,
      format: 'Reading {bar} {percentage}% | {kilobytes} of {totalKilobytes} kB {step}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    progress.Presets.shades_classic,
  );
  const kilobytes = (bytes: number) => Math.round(bytes / 1000).toLocaleString('en-US');
  let done = 0;
  let stopped = false;
  bar.start(total, 0, { kilobytes: '0', totalKilobytes: kilobytes(total), step: '' });
  return {
    advance(bytes) {
      done += bytes;
      bar.update(done, { kilobytes: kilobytes(done) });
    },
    finish(next) {
      bar.update(total, { kilobytes: kilobytes(total), step: `| ${next}...` });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
