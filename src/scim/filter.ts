/**
 * The `filter` query parameter of `GET /Users`, parsed by scim2-parse-filter.
 * Identity providers look users up by one key before they create or update
 * one: Entra ID and Okta by `userName eq "..."`, some by `externalId eq "..."`.
 * Those and `id eq "..."` are served; any other filter is `invalidFilter`.
 *
 * @module
 */
import { parse } from 'scim2-parse-filter';
import { CORE_USER } from './attributes.js';
import { ScimProblem } from './problem.js';

/** A look-up by one key. */
export interface UserLookUp {
  /** The key: `userName` (ignoring case), `externalId` or `id` (exactly). */
  readonly attribute: 'userName' | 'externalId' | 'id';
  /** The value compared with. */
  readonly value: string;
}

const SUPPORTED = ['userName', 'externalId', 'id'] as const;

/**
 * Parses a filter into the look-up it asks for.
 *
 * @param filter - the `filter` query parameter
 * @returns the look-up
 * @throws ScimProblem `invalidFilter` for a malformed filter or one this service does not serve
 */
export function parseUserFilter(filter: string): UserLookUp {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(filter);
  } catch {
    throw ScimProblem.invalidFilter(`The filter ${JSON.stringify(filter)} is malformed (RFC 7644 section 3.4.2.2).`);
  }
  if (parsed.op === 'eq' && 'attrPath' in parsed && typeof parsed.compValue === 'string') {
    // An attribute may be named with its schema's URN, and names ignore case.
    const local = parsed.attrPath.toLowerCase().startsWith(`${CORE_USER.toLowerCase()}:`) ? parsed.attrPath.slice(CORE_USER.length + 1) : parsed.attrPath;
    const attribute = SUPPORTED.find((a) => a.toLowerCase() === local.toLowerCase());
    if (attribute !== undefined) return { attribute, value: parsed.compValue };
  }
  throw ScimProblem.invalidFilter(`The filter ${JSON.stringify(filter)} is not supported: this service filters users by userName eq "...", externalId eq "..." or id eq "..." only.`);
}
