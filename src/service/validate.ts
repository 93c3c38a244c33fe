import type { z } from 'zod';
import { InvalidInputError } from '../errors.js';

/**
 * Parses public input with its schema, or throws {@link InvalidInputError}
 * listing every issue. Called before anything is read or written.
 *
 * @param schema - the zod schema
 * @param input - what the caller passed
 * @param what - how to name the input in the error, e.g. `createUser input`
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new InvalidInputError(what, result.error.issues, { cause: result.error });
  return result.data;
}
