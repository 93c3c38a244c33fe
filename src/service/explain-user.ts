import { explainSeat, type UserExplanation } from '../core/explain.js';
import { idSchema } from '../core/schemas.js';
import { UnknownUserError } from '../errors.js';
import { readAreaFigures } from './area-figures.js';
import type { ServiceContext } from './context.js';
import { parseInput } from './validate.js';

/** Explaining seats, user by user. */
export interface ExplainUserApi {
  /**
   * Why this user does or does not hold a seat, in words and as data: a
   * system account (never needs one), blocked (by whom, why, and whether a
   * seat is free now), waiting for a license, holding a seat in its area and
   * partner quota, or holding one in a partner that has been denied access.
   *
   * @param userId - the user
   * @returns `{ userId, holdsSeat, code, explanation, facts }`
   * @throws InvalidInputError, UnknownUserError
   * @example
   * ```ts
   * const why = await seats.explainUser(userId);
   * console.log(why.code, why.explanation); // 'WAITING_FOR_SEAT', '"erin" is blocked waiting for a license ...'
   * ```
   */
  explainUser(userId: string): Promise<UserExplanation>;
}

/** Builds the {@link ExplainUserApi}. */
export function explainUserApi(context: ServiceContext): ExplainUserApi {
  return {
    async explainUser(userId) {
      const id = parseInput(idSchema, userId, 'user id');
      const user = await context.repository.getUser(id);
      if (user === null) throw new UnknownUserError(id);
      const { area, counts, organizations } = await readAreaFigures(context.repository, user.areaId);
      return explainSeat({ user, area, counts, organizations });
    },
  };
}
