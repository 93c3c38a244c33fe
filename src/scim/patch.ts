/**
 * `PATCH /Users/{id}` (RFC 7644 section 3.5.2): the PatchOp body is checked
 * against the schemas the handler knows (every path, in canonical spelling),
 * then applied to the user's current resource by scim-patch. What the result
 * asks of the profile is read by the same functions as a `PUT`.
 *
 * @module
 */
import { scimPatch, ScimError, type ScimPatchOperation, type ScimResource } from 'scim-patch';
import { CORE_USER, findSchema, formatAttributePath, parseAttributePath, SEATS_EXTENSION, type AttributePath, type KnownSchemas } from './attributes.js';
import { ScimProblem, type ScimType } from './problem.js';
import { isObject, normalizeUserBody, type JsonObject } from './resource.js';

/** The schema of a PATCH request body. */
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A PATCH applied to a resource. */
export interface PatchOutcome {
  /** The resource after every operation. */
  readonly after: JsonObject;
  /** Whether an operation sets or removes `active`. */
  readonly touchesActive: boolean;
  /** Whether an operation sets or removes the partner attribute (or what holds it). */
  readonly touchesPartner: boolean;
}

/**
 * Checks a PatchOp body and applies its operations, in order, to `before`.
 * Operation names ignore case (Entra ID sends `Replace`); a `remove` whose
 * target does not exist changes nothing.
 *
 * @param body - the parsed request body
 * @param before - the user's resource now (not changed)
 * @param schemas - the schemas the handler knows
 * @param partnerPath - the partner attribute's path, when partners are mapped
 * @returns the resource after the operations, and which attributes they touched
 * @throws ScimProblem `invalidSyntax`, `invalidPath`, `invalidFilter`, `invalidValue`, `noTarget` or `mutability`
 */
export function applyPatch(body: unknown, before: JsonObject, schemas: KnownSchemas, partnerPath: AttributePath | null): PatchOutcome {
  if (!isObject(body)) throw ScimProblem.invalidSyntax('The body must be a JSON object: a PatchOp request.');
  const declared = Array.isArray(body.schemas) ? body.schemas : [];
  if (!declared.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
    throw ScimProblem.invalidSyntax(`A PATCH body must declare "schemas": ["${PATCH_OP_SCHEMA}"].`);
  }
  const operations = body.Operations ?? body.operations;
  if (!Array.isArray(operations) || operations.length === 0) throw ScimProblem.invalidSyntax('A PATCH body must have a non-empty "Operations" array.');

  let resource: JsonObject = before;
  let touchesActive = false;
  let touchesPartner = false;
  operations.forEach((raw: unknown, i) => {
    const where = `Operation ${i + 1}`;
    const operation = checkOperation(raw, where, schemas);
    for (const touched of operation.touched) {
      if (touched.schema.id === CORE_USER && touched.attribute?.name === 'active') touchesActive = true;
      if (partnerPath !== null && covers(touched, partnerPath)) touchesPartner = true;
    }
    for (const patch of operation.patches) resource = applyOne(resource, patch, where);
  });
  return { after: resource, touchesActive, touchesPartner };
}

/** An operation in the form scim-patch applies (one or more of its operations), and the paths it touches. */
interface CheckedOperation {
  readonly patches: readonly ScimPatchOperation[];
  readonly touched: readonly AttributePath[];
}

function checkOperation(raw: unknown, where: string, schemas: KnownSchemas): CheckedOperation {
  if (!isObject(raw)) throw ScimProblem.invalidSyntax(`${where} must be an object { op, path, value }.`);
  const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : '';
  if (op !== 'add' && op !== 'replace' && op !== 'remove') throw ScimProblem.invalidSyntax(`${where}: "op" must be "add", "replace" or "remove", not ${JSON.stringify(raw.op)}.`);
  if (raw.path !== undefined && typeof raw.path !== 'string') throw ScimProblem.invalidPath(`${where}: "path" must be a string.`);
  const path = raw.path === undefined || raw.path.trim() === '' ? null : parseAttributePath(raw.path, schemas);
  if (path !== null) refuseReadOnly(path, where);

  if (op === 'remove') {
    if (path === null) throw new ScimProblem(400, `${where}: a "remove" operation needs a "path".`, 'noTarget');
    // A whole extension is removed attribute by attribute: scim-patch reads a path's last ':' as the URN's end.
    const targets = path.attribute === null ? path.schema.attributes.map((attribute) => ({ ...path, attribute })) : [path];
    return { patches: targets.map((target) => ({ op: 'remove', path: formatAttributePath(target) })), touched: targets };
  }
  if (!('value' in raw)) throw ScimProblem.invalidSyntax(`${where}: an "${op}" operation needs a "value".`);
  if (path !== null && path.attribute !== null) {
    const value = path.sub === null && path.filter === null ? canonicalValue(path, raw.value, schemas) : raw.value;
    return { patches: [{ op, path: formatAttributePath(path), value }], touched: [path] };
  }
  // No path, or a whole extension: the value is a set of attributes, each applied by its own full path.
  const values = path === null ? raw.value : { [path.schema.id]: raw.value };
  if (!isObject(values)) throw ScimProblem.invalidValue(`${where}: without a path, "value" must be an object of attributes.`);
  const value: JsonObject = {};
  const touched: AttributePath[] = [];
  for (const [key, item] of Object.entries(values)) {
    const schema = findSchema(schemas, key);
    const entries = schema !== undefined && isObject(item) ? Object.entries(item).map(([k, v]) => [`${schema.id}:${k}`, v] as const) : [[key, item] as const];
    for (const [name, v] of entries) {
      const target = parseAttributePath(name, schemas);
      if (target.filter !== null || target.attribute === null) throw ScimProblem.invalidPath(`${where}: "${name}" is not an attribute name.`);
      refuseReadOnly(target, where);
      touched.push(target);
      value[formatAttributePath(target)] = target.sub === null ? canonicalValue(target, v, schemas) : v;
    }
  }
  return { patches: [{ op, value }], touched };
}

/** The value of a core attribute with its sub-attributes spelled canonically (`name`, `emails`). */
function canonicalValue(path: AttributePath, value: unknown, schemas: KnownSchemas): unknown {
  const name = path.schema.id === CORE_USER ? path.attribute?.name : undefined;
  if (name === undefined || value === null || value === undefined) return value;
  if (name !== 'name' && name !== 'emails') return value;
  return normalizeUserBody({ [name]: value }, schemas)[name];
}

function refuseReadOnly(path: AttributePath, where: string): void {
  if (path.schema.id === SEATS_EXTENSION || path.attribute?.readOnly === true) {
    const what = path.attribute === null ? path.schema.id : path.attribute.name;
    throw ScimProblem.mutability(`${where}: "${what}" is read-only; seatkeeper sets it.`);
  }
}

/** Whether a change at `touched` may change the value at `target` (the same attribute, a part of it, or what holds it). */
function covers(touched: AttributePath, target: AttributePath): boolean {
  if (touched.schema.id !== target.schema.id) return false;
  if (touched.attribute === null) return true;
  return touched.attribute.name === target.attribute?.name && (touched.sub === null || touched.sub === target.sub);
}

/** Applies one operation to a copy of the resource; a removal of something that does not exist changes nothing. */
function applyOne(resource: JsonObject, operation: ScimPatchOperation, where: string): JsonObject {
  try {
    return scimPatch(resource as unknown as ScimResource, [operation], { mutateDocument: false, treatMissingAsAdd: true }) as unknown as JsonObject;
  } catch (error) {
    // Its paths and filters were checked: a removal fails only when nothing matched, and then there was nothing to remove.
    if (operation.op === 'remove') return resource;
    const scimType: ScimType = error instanceof ScimError && error.scimCode === 'noTarget' ? 'noTarget' : 'invalidValue';
    throw new ScimProblem(400, `${where} cannot be applied: ${error instanceof Error ? error.message : String(error)}`, scimType);
  }
}
