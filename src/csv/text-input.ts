/**
 * What a CSV upload may be (a string, a Web `ReadableStream`, a Node
 * `Readable` or any async iterable of text or bytes), and a streamed upload
 * decoded into text chunks.
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
 * @param encoding - a WHATWG encoding label for byte input, e.g. `utf-8`, `windows-1252`
 * @returns text chunks in order
 * @throws InvalidInputError when bytes are not valid text in that encoding
 * @throws StreamFailedError when the stream itself fails
 */
export async function* textChunks(input: Exclude<CsvInput, string>, encoding: string): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder(encoding, { fatal: true });
  let text = '';
  for await (const piece of pieces(input)) {
    text += typeof piece === 'string' ? piece : decode(decoder, piece, encoding);
    if (text.length >= MIN_CHUNK) {
      yield text;
      text = '';
    }
  }
  text += decode(decoder, undefined, encoding);
  if (text !== '') yield text;
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
