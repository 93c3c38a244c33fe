/**
 * What a CSV upload may be (a string, a Web `ReadableStream`, a Node
 * `Readable` or any async iterable of text or bytes), its size in bytes, and a
 * streamed upload decoded into text chunks.
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

/** Thrown (and caught by the reader) when an upload is larger than its `maxBytes`: reading stops there. */
export class MaxBytesExceeded extends Error {
  constructor() {
    super('The CSV upload is larger than maxBytes.');
    this.name = 'MaxBytesExceeded';
  }
}

/**
 * How many UTF-8 bytes `text` takes, or `Infinity` once that is surely more
 * than `limit`. A UTF-16 code unit takes one to three bytes (a surrogate pair,
 * two units, takes four), so text longer than `limit` is over it without
 * encoding, and text at most a third of it is under.
 *
 * @param text - the text
 * @param limit - the most bytes that matter
 * @returns its size in UTF-8 bytes, or `Infinity` when over `limit`
 */
export function utf8Size(text: string, limit: number): number {
  if (text.length > limit) return Infinity;
  if (text.length * 3 <= limit) return text.length;
  return new TextEncoder().encode(text).byteLength;
}

/** Options of {@link textChunks}. */
export interface TextChunksOptions {
  /** A WHATWG encoding label for byte input, e.g. `utf-8`, `windows-1252`. */
  readonly encoding: string;
  /** The most bytes to read (UTF-8 bytes for text pieces); past it, {@link MaxBytesExceeded} is thrown. */
  readonly maxBytes: number;
  /**
   * The least text to hand on in the next chunk, asked before each. The
   * reader answers with the text it holds since its last complete row, so a
   * row longer than a chunk makes the chunks grow (each at least the text held
   * so far) and a parser that re-reads what it holds does so a logarithmic,
   * not linear, number of times.
   */
  readonly minChunk: () => number;
}

/**
 * The smallest text chunk handed on (but the last). papaparse guesses the line
 * break from the first chunk it parses, so that chunk must hold whole lines,
 * not the few bytes a stream may deliver first.
 */
const MIN_CHUNK = 1 << 16;

/**
 * A streamed upload's text in chunks, bytes decoded with `encoding` (a leading
 * UTF-8 byte order mark is dropped by the decoder). Stopping early cancels the stream.
 *
 * @param input - the upload (not a string)
 * @param options - the encoding, the byte limit and the least chunk size
 * @returns text chunks in order
 * @throws MaxBytesExceeded when the upload is larger than `maxBytes`
 * @throws InvalidInputError when bytes are not valid text in that encoding
 * @throws StreamFailedError when the stream itself fails
 */
export async function* textChunks(input: Exclude<CsvInput, string>, options: TextChunksOptions): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder(options.encoding, { fatal: true });
  let bytes = 0;
  // Pieces are collected and joined once per chunk: the text is copied once, however small the pieces.
  let held: string[] = [];
  let length = 0;
  for await (const piece of pieces(input)) {
    bytes += typeof piece === 'string' ? utf8Size(piece, options.maxBytes - bytes) : piece.byteLength;
    if (bytes > options.maxBytes) throw new MaxBytesExceeded();
    const text = typeof piece === 'string' ? piece : decode(decoder, piece, options.encoding);
    held.push(text);
    length += text.length;
    if (length >= Math.max(MIN_CHUNK, options.minChunk())) {
      yield held.join('');
      held = [];
      length = 0;
    }
  }
  held.push(decode(decoder, undefined, options.encoding));
  const rest = held.join('');
  if (rest !== '') yield rest;
}

/** The stream's pieces; the stream's own failure becomes a {@link StreamFailedError}. */
async function* pieces(input: Exclude<CsvInput, string>): AsyncGenerator<Uint8Array | string, void, undefined> {
  try {
    // Node's Web streams are async iterable; the DOM typings do not say so.
    yield* input as AsyncIterable<Uint8Array | string>;
  } catch (error) {
    throw new StreamFailedError('The CSV could not be read: the input stream failed.', { cause: error });
  }
}

/** Decodes bytes (`undefined`: flushes the decoder), refusing bytes that are not valid text. */
function decode(decoder: TextDecoder, bytes: Uint8Array | undefined, encoding: string): string {
  try {
    return decoder.decode(bytes, { stream: bytes !== undefined });
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
