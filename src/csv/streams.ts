/**
 * Turning an export into a download: a Web `ReadableStream` for `fetch`-style
 * handlers (`new Response(stream)`), or writing into a Node `Writable` such as
 * an `http.ServerResponse` or a file stream, with backpressure. Neither needs a
 * `node:` import, so this entry point also runs in browsers and edge runtimes.
 *
 * @module
 */
import { StreamFailedError } from '../errors.js';

/**
 * A Web `ReadableStream` of UTF-8 bytes from text chunks (such as
 * `exportPeopleCsv`). The chunks are pulled one at a time as the consumer
 * reads, so a slow client never makes the export run ahead; cancelling the
 * stream stops the export.
 *
 * @param chunks - the text chunks
 * @returns the byte stream
 * @example
 * ```ts
 * // In a fetch-style handler (Next.js route, Deno, Bun, Cloudflare Workers):
 * return new Response(toReadableStream(exportPeopleCsv(seats, { bom: true })), {
 *   headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="people.csv"' },
 * });
 * ```
 */
export function toReadableStream(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let iterator: AsyncIterator<string> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      iterator ??= chunks[Symbol.asyncIterator]();
      const next = await iterator.next();
      if (next.done === true) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await iterator?.return?.();
    },
  });
}

/**
 * The part of a Node `Writable` that {@link pipeToWritable} uses, so it works
 * with `http.ServerResponse`, `fs.WriteStream` or any writable without
 * importing `node:stream`.
 */
export interface WritableLike {
  /** Writes a chunk; `false` means wait for `drain` before writing more. */
  write(chunk: string): boolean;
  /** Ends the stream; the callback runs once everything is flushed, with an error if that failed. */
  end(callback?: (error?: unknown) => void): unknown;
  /** Subscribes once to an event; `drain`, `error` and `close` are used. */
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Unsubscribes a listener added with `once`. */
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  /** `true` once the stream is destroyed (Node sets it); a destroyed stream never drains. */
  readonly destroyed?: boolean;
}

/** Options of {@link pipeToWritable}. */
export interface PipeToWritableOptions {
  /** End the writable when the chunks are done. Default `true`. */
  readonly end?: boolean;
}

/**
 * Writes text chunks (such as `exportPeopleCsv`) into a Node writable,
 * waiting for `drain` whenever it asks to, so memory stays flat even when the
 * client reads slowly. Ends the writable when done (unless `end: false`).
 *
 * If the writable errors or closes early, reading stops (the export is not read
 * further) and the promise rejects with {@link StreamFailedError}. If reading
 * the chunks fails, that error is rethrown and the writable is left open for
 * the caller to destroy.
 *
 * @param chunks - the text chunks
 * @param writable - where to write: `http.ServerResponse`, `fs.WriteStream`...
 * @param options - `end`: whether to end the writable (default `true`)
 * @returns resolves once everything is written (and flushed, when ending)
 * @throws StreamFailedError when the writable errors or closes before the end
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * await pipeToWritable(exportPeopleCsv(seats), createWriteStream('people.csv'));
 * ```
 */
export async function pipeToWritable(chunks: AsyncIterable<string>, writable: WritableLike, options: PipeToWritableOptions = {}): Promise<void> {
  let failure: StreamFailedError | undefined;
  let finished = false;
  let wake: (() => void) | undefined;
  const onError = (error: unknown) => {
    failure ??= new StreamFailedError('The CSV could not be written: the output stream failed.', { cause: error });
    wake?.();
  };
  const onClose = () => {
    if (finished) return;
    failure ??= new StreamFailedError('The CSV could not be written: the output stream closed before the end (the client may have gone away).');
    wake?.();
  };
  writable.once('error', onError);
  writable.once('close', onClose);
  if (writable.destroyed === true) onClose();
  try {
    for await (const chunk of chunks) {
      if (failure !== undefined) break;
      if (!writable.write(chunk) && writable.destroyed !== true) await waitFor('drain');
      if (writable.destroyed === true) onClose();
      if (failure !== undefined) break;
    }
    if (failure === undefined && options.end !== false) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        writable.end((error?: unknown) => {
          if (error != null) onError(error);
          finished = true;
          resolve();
        });
      });
    }
  } finally {
    wake = undefined;
    writable.off('error', onError);
    writable.off('close', onClose);
  }
  if (failure !== undefined) throw failure;

  /** Waits for the event, or for the writable to fail meanwhile. */
  function waitFor(event: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        writable.off(event, done);
        wake = undefined;
        resolve();
      };
      wake = done;
      writable.once(event, done);
    });
  }
}
