/**
 * SCIM errors (RFC 7644 section 3.12): what the handler answers when a request
 * cannot be served, as an `Error` thrown inside the handler and turned into a
 * response at its edge.
 *
 * @module
 */

/** The media type of every SCIM body. */
export const SCIM_CONTENT_TYPE = 'application/scim+json';
/** The schema of a SCIM error body. */
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * The `scimType` detail codes of RFC 7644 section 3.12 the handler uses:
 * `invalidFilter`, `invalidSyntax`, `invalidPath`, `invalidValue`, `noTarget`,
 * `uniqueness` and `mutability`.
 */
export type ScimType = 'invalidFilter' | 'invalidSyntax' | 'invalidPath' | 'invalidValue' | 'noTarget' | 'uniqueness' | 'mutability';

/** A request the handler refuses, with the status and SCIM error type to answer with. Internal to the handler. */
export class ScimProblem extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** The SCIM error type, when the RFC defines one for the case. */
  readonly scimType: ScimType | null;
  /** Extra response headers. */
  readonly headers: Readonly<Record<string, string>>;

  /**
   * @param status - the HTTP status
   * @param detail - what went wrong, for the client's logs
   * @param scimType - the SCIM error type, if any
   * @param headers - extra response headers
   */
  constructor(status: number, detail: string, scimType: ScimType | null = null, headers: Readonly<Record<string, string>> = {}) {
    super(detail);
    this.name = 'ScimProblem';
    this.status = status;
    this.scimType = scimType;
    this.headers = headers;
  }

  /** 400 `invalidSyntax`: a body that is not JSON, or not of the request's shape. */
  static invalidSyntax(detail: string): ScimProblem {
    return new ScimProblem(400, detail, 'invalidSyntax');
  }

  /** 400 `invalidFilter`: a filter that is malformed or not supported. */
  static invalidFilter(detail: string): ScimProblem {
    return new ScimProblem(400, detail, 'invalidFilter');
  }

  /** 400 `invalidPath`: a PATCH path that is malformed or names an unknown attribute. */
  static invalidPath(detail: string): ScimProblem {
    return new ScimProblem(400, detail, 'invalidPath');
  }

  /** 400 `invalidValue`: a missing required value, or one of the wrong type or form. */
  static invalidValue(detail: string): ScimProblem {
    return new ScimProblem(400, detail, 'invalidValue');
  }

  /** 400 `mutability`: a change the attribute's mutability or the user's state does not allow. */
  static mutability(detail: string): ScimProblem {
    return new ScimProblem(400, detail, 'mutability');
  }

  /** 409 `uniqueness`: a userName or externalId another user holds. */
  static uniqueness(detail: string): ScimProblem {
    return new ScimProblem(409, detail, 'uniqueness');
  }

  /** 404: no such resource (or one outside the handler's area). */
  static notFound(detail: string): ScimProblem {
    return new ScimProblem(404, detail);
  }
}

/**
 * A SCIM error response.
 *
 * @param problem - the status, detail and type
 * @returns the response, `application/scim+json`
 */
export function problemResponse(problem: ScimProblem): Response {
  const body = {
    schemas: [ERROR_SCHEMA],
    status: String(problem.status),
    ...(problem.scimType === null ? {} : { scimType: problem.scimType }),
    detail: problem.message,
  };
  return scimResponse(problem.status, body, problem.headers);
}

/**
 * A SCIM response with a JSON body (none for 204).
 *
 * @param status - the HTTP status
 * @param body - the body, or `null`
 * @param headers - extra headers
 */
export function scimResponse(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Response {
  if (body === null) return new Response(null, { status, headers });
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers } });
}
