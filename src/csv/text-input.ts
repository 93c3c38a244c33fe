/**
 * What a CSV upload may be (a string, a Web `ReadableStream`, a Node
 * `Readable` or any async iterable of text or bytes), turned into text chunks.
 *
 * @module
 */
import { InvalidInputError, StreamFailedError } from '../errors.js';

/**
 * A CSV upload: the whole text, a Web `ReadableStream` (e.g. `request.body`,
 * `file.stream()`), a Node `Readable` (e.g. `fs.createReadStream(path)`), or any
 * async iterable of strings or bytes.
 */
export type CsvInput = string | ReadableStream<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

/** Whether a value is a {@link CsvInput}. */
export function isCsvInput(value: unknown): value is CsvInput {
  if (typeof value === 'string') return true;
  if (typeof value !== 'object' || value === null) return false;
  return typeof (value as ReadableStream).getReader === 'function' || typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** Characters per chunk a string input is parsed in, so a large upload is validated as it is read. */
const STRING_CHUNK = 1 << 18;

/**
 * The input's text in chunks, decoded with `encoding` (bytes only), without a
 * leading byte order mark.
 *
 * @param input - the upload
 * @param encoding - a WHATWG encoding label for byte input, e.g. `utf-8`, `windows-1252`
 * @returns text chunks in order
 * @throws InvalidInputError when bytes are not valid text in that encoding
 * @throws StreamFailedError when the stream itself fails
 */
export async function* textChunks(input: CsvInput, encoding: string): AsyncGenerator<string, void, undefined> {
  if (typeof input === 'string') {
    const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
    for (let start = 0; start < text.length; start += STRING_CHUNK) yield text.slice(start, start + STRING_CHUNK);
    return;
  }
  const decoder = new TextDecoder(encoding, { fatal: true });
  let first = true;
  for await (const piece of pieces(input)) {
    let text = typeof piece === 'string' ? decoder.decode() + piece : decode(decoder, piece, encoding, true);
    if (first && text.startsWith('\uFEFF')) text = text.slice(1);
    first &&= text === '';
    if (text !== '') yield text;
  }
  const rest = decode(decoder, undefined, encoding, false);
  if (rest !== '') yield rest;
}

function decode(decoder: TextDecoder, bytes: Uint8Array | undefined, encoding: string, stream: boolean): string {
  try {
    return decoder.decode(bytes, { stream });
  } catch (error) {
    throw new InvalidInputError('CSV input', [
      {
        path: [],
        code: 'invalid_encoding',
        message: `is not valid ${encoding} text; save the file as "CSV UTF-8", or pass the file's encoding (e.g. encoding: 'windows-1252')`,
      },
    ], { cause: error });
  }
}

/** The stream's pieces; a failing stream becomes a {@link StreamFailedError}, and stopping early cancels it. */
async function* pieces(input: ReadableStream<Uint8Array | string> | AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array | string, void, undefined> {
  if ('getReader' in input && typeof input.getReader === 'function') {
    const reader = input.getReader();
    let done = false;
    try {
      for (;;) {
        const next = await read(() => reader.read());
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      if (!done) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }
  const iterator = (input as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      const next = await read(() => iterator.next());
      if (next.done === true) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

async function read<T>(next: () => Promise<T>): Promise<T> {
  try {
    return await next();
  } catch (error) {
    throw new StreamFailedError('The CSV could not be read: the input stream failed.', { cause: error });
  }
}
