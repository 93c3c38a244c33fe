import type { ScimHandler } from '../../src/scim/index.js';

/** A token long enough for the handler's options. */
export const TOKEN = 'test-token-0123456789abcdef';
/** Where the tests mount the handler. */
export const BASE = 'https://app.example.com/scim/v2';

/** What a test reads of a response. */
export interface ScimAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or `null` for an empty one. */
  readonly body: any;
}

/** The SCIM PatchOp envelope around operations. */
export const patchOp = (...Operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });

/**
 * Sends requests to a handler as an identity provider would: JSON bodies,
 * `application/scim+json`, the bearer token (unless `token: null`).
 */
export function scimClient(handler: ScimHandler, token: string | null = TOKEN) {
  async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ScimAnswer> {
    const init: RequestInit = {
      method,
      headers: {
        ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'Content-Type': 'application/scim+json' }),
        ...headers,
      },
    };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await handler(new Request(`${BASE}${path}`, init));
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
  }
  return {
    send,
    get: (path: string) => send('GET', path),
    post: (path: string, body: unknown) => send('POST', path, body),
    put: (path: string, body: unknown) => send('PUT', path, body),
    patch: (path: string, body: unknown) => send('PATCH', path, body),
    delete: (path: string) => send('DELETE', path),
    /** `GET /Users?filter=userName eq "..."`, as Entra ID and Okta look a user up. */
    byUserName: (userName: string) => send('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`),
  };
}

/** The seatkeeper extension of a User resource. */
export const SEATS = 'urn:seatkeeper:params:scim:schemas:extension:seats:2.0:User';
/** The enterprise extension. */
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** The SCIM error schema. */
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
