import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pipeToWritable, toReadableStream } from '../../src/csv/index.js';
import { StreamFailedError } from '../../src/index.js';

/** Text chunks that record how many were produced and whether iteration was stopped. */
function chunkSource(chunks: string[]) {
  const state = { produced: 0, stopped: false };
  const iterable: AsyncIterable<string> = {
    async *[Symbol.asyncIterator]() {
      try {
        for (const chunk of chunks) {
          state.produced++;
          yield chunk;
        }
      } finally {
        state.stopped = state.produced < chunks.length;
      }
    },
  };
  return { iterable, state };
}

describe('toReadableStream', () => {
  it('encodes the chunks as UTF-8 bytes, in order', async () => {
    const { iterable } = chunkSource(['Username\r\n', 'Zoë,日本\r\n', '🎉\r\n']);
    const text = await new Response(toReadableStream(iterable)).text();
    expect(text).toBe('Username\r\nZoë,日本\r\n🎉\r\n');
  });

  it('pulls a chunk only when the reader asks for one, and cancelling stops the source', async () => {
    const { iterable, state } = chunkSource(['a', 'b', 'c', 'd', 'e']);
    const reader = toReadableStream(iterable).getReader();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(state.produced).toBeLessThanOrEqual(2);
    await reader.cancel();
    expect(state.stopped).toBe(true);
  });
});

/** A writable that accepts one small chunk at a time and completes each write later. */
function slowWritable(highWaterMark = 4) {
  const received: string[] = [];
  let drains = 0;
  const writable = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      received.push(chunk);
      setTimeout(callback, 1);
    },
  });
  writable.on('drain', () => drains++);
  return { writable, received, drains: () => drains };
}

describe('pipeToWritable', () => {
  it('writes every chunk in order, waits for drain when the writable is full, and ends it', async () => {
    const chunks = Array.from({ length: 20 }, (_, i) => `row ${i}\r\n`);
    const { iterable } = chunkSource(chunks);
    const { writable, received, drains } = slowWritable();
    let finished = false;
    writable.on('finish', () => (finished = true));
    await pipeToWritable(iterable, writable);
    expect(received).toEqual(chunks);
    expect(drains()).toBeGreaterThan(0);
    expect(finished).toBe(true);
  });

  it('does not read ahead of a writable that asks to wait', async () => {
    const chunks = Array.from({ length: 50 }, (_, i) => `row ${i}\r\n`);
    const { iterable, state } = chunkSource(chunks);
    const { writable, received } = slowWritable(1);
    let maxAhead = 0;
    const original = writable.write.bind(writable);
    writable.write = ((chunk: string) => {
      maxAhead = Math.max(maxAhead, state.produced - received.length);
      return original(chunk);
    }) as typeof writable.write;
    await pipeToWritable(iterable, writable);
    expect(maxAhead).toBeLessThanOrEqual(2);
  });

  it('leaves the writable open with end: false', async () => {
    const out = new PassThrough();
    await pipeToWritable(chunkSource(['a', 'b']).iterable, out, { end: false });
    expect(out.writableEnded).toBe(false);
    out.end();
    expect((await out.toArray()).join('')).toBe('ab');
  });

  it('rejects with StreamFailedError and stops reading when the writable fails', async () => {
    const { iterable, state } = chunkSource(Array.from({ length: 100 }, () => 'x'.repeat(10)));
    const { writable } = slowWritable(1);
    setTimeout(() => writable.destroy(new Error('disk full')), 5);
    const error = await pipeToWritable(iterable, writable).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamFailedError);
    expect((error as StreamFailedError).code).toBe('STREAM_FAILED');
    expect(((error as StreamFailedError).cause as Error).message).toBe('disk full');
    expect(state.stopped).toBe(true);
  });

  it('rejects with StreamFailedError when the writable closes early (the client went away)', async () => {
    const { iterable, state } = chunkSource(Array.from({ length: 100 }, () => 'x'.repeat(10)));
    const { writable } = slowWritable(1);
    setTimeout(() => writable.destroy(), 5);
    await expect(pipeToWritable(iterable, writable)).rejects.toBeInstanceOf(StreamFailedError);
    expect(state.stopped).toBe(true);
  });

  it('rejects at once, reading nothing, when the writable is already destroyed', async () => {
    const { iterable, state } = chunkSource(['a', 'b']);
    const out = new PassThrough();
    out.destroy();
    await expect(pipeToWritable(iterable, out)).rejects.toBeInstanceOf(StreamFailedError);
    expect(state.produced).toBeLessThanOrEqual(1);
  });

  it('rethrows a failure of the source as it is, and destroys the writable so a download fails rather than ends truncated', async () => {
    const failure = new Error('database down');
    const failing: AsyncIterable<string> = {
      async *[Symbol.asyncIterator]() {
        yield 'a';
        throw failure;
      },
    };
    const out = new PassThrough();
    await expect(pipeToWritable(failing, out)).rejects.toBe(failure);
    expect(out.writableEnded).toBe(false);
    expect(out.destroyed).toBe(true);
  });
});
