/**
 * Turning an export into a download: a Web `ReadableStream` for `fetch`-style
 * handlers (`new Response(stream)`), or writing into a Node `Writable` such as
 * an `http.ServerResponse` or a file stream, with backpressure.
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

/** Options of {@link pipeToWritable}. */
export interface PipeToWritableOptions {
  /** End the writable when the chunks are done. Default `true`. */
  readonly end?: boolean;
}

/**
 * Writes text chunks (such as `exportPeopleCsv`) into a Node writable with
 * `pipeline` from `node:stream/promises`, which waits for `drain` whenever the
 * writable asks to, so memory stays flat even when the client reads slowly.
 * Ends the writable when done (unless `end: false`).
 *
 * If the writable errors or closes early, reading stops (the export is not read
 * further) and the promise rejects with {@link StreamFailedError}. If reading
 * the chunks fails, the writable is destroyed (a download then fails instead
 * of ending as a truncated file) and that error is rethrown.
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
export async function pipeToWritable(chunks: AsyncIterable<string>, writable: NodeJS.WritableStream, options: PipeToWritableOptions = {}): Promise<void> {
  // Loaded on first use: the rest of seatkeeper/csv needs no node: module.
  const { pipeline } = await import('node:stream/promises');
  // pipeline rejects with whichever side failed first: the source's own error is told apart by identity.
  let sourceFailure: { readonly error: unknown } | undefined;
  async function* source() {
    try {
      yield* chunks;
    } catch (error) {
      sourceFailure = { error };
      throw error;
    }
  }
  try {
    await pipeline(source(), writable, { end: options.end ?? true });
  } catch (error) {
    if (sourceFailure !== undefined) throw sourceFailure.error;
    const closed = (error as { readonly code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE';
    const why = closed ? 'the output stream closed before the end (the client may have gone away)' : 'the output stream failed';
    throw new StreamFailedError(`The CSV could not be written: ${why}.`, { cause: error });
  }
}
