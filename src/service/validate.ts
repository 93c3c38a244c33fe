import type { z } from 'zod';
import type { AuditActor } from '../core/audit.js';
import { writeOptionsSchema } from '../core/schemas.js';
import { InvalidInputError } from '../errors.js';
import { withActor, type ServiceContext } from './context.js';

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

/**
 * The context of one write call, from the method's options: the validated
 * `actor`, or the system actor of the path.
 *
 * @param context - the instance's context
 * @param options - the caller's `{ actor? }` (or `undefined`)
 * @param what - how to name the options in an error, e.g. `createUser options`
 * @param fallback - the path's system actor; default `seatkeeper`
 * @throws InvalidInputError when the options are malformed
 */
export function writeContext(context: ServiceContext, options: unknown, what: string, fallback?: AuditActor): ServiceContext {
  const { actor } = parseInput(writeOptionsSchema, options ?? {}, what);
  return withActor(context, actor, fallback);
}
