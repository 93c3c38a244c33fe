/**
 * The areas and partner organizations a CSV row may name, by id or by name,
 * read once per import from the site summary.
 *
 * @module
 */
import type { SiteSummary } from '../core/usage.js';
import type { PeopleColumnKey } from './columns.js';
import type { PeopleCsvRow } from './row-schema.js';

/** An area resolved to its id, or why not, blaming a column. */
export type Resolution = { readonly ok: true; readonly id: string } | { readonly ok: false; readonly field: PeopleColumnKey; readonly message: string };
/** An organization resolved to its id (`null`: the host company), or why not. */
export type OrganizationResolution =
  | { readonly ok: true; readonly id: string | null }
  | { readonly ok: false; readonly field: PeopleColumnKey; readonly message: string };

/** Areas and partner organizations by id and by name, from one summary read. */
export class SiteDirectory {
  readonly #areas = new Map<string, string>();
  readonly #areasByName = new Map<string, string[]>();
  /** organization id -> its area id and name */
  readonly #organizations = new Map<string, { readonly areaId: string; readonly name: string }>();
  /** area id + NUL + folded name -> organization ids */
  readonly #organizationsByName = new Map<string, string[]>();
  /** folded name -> the areas having an organization of that name */
  readonly #organizationAreasByName = new Map<string, string[]>();

  constructor(summary: SiteSummary) {
    for (const area of summary.areas) {
      this.#areas.set(area.areaId, area.name);
      push(this.#areasByName, fold(area.name), area.areaId);
      for (const o of area.organizations) {
        this.#organizations.set(o.organizationId, { areaId: area.areaId, name: o.name });
        push(this.#organizationsByName, `${area.areaId}\u0000${fold(o.name)}`, o.organizationId);
        push(this.#organizationAreasByName, fold(o.name), area.areaId);
      }
    }
  }

  hasArea(areaId: string): boolean {
    return this.#areas.has(areaId);
  }

  hasOrganization(organizationId: string): boolean {
    return this.#organizations.has(organizationId);
  }

  /**
   * The row's area: its Area id cell (an id), else its Area cell (an id or a
   * name), else the default. An Area cell that is one area's id and another
   * area's name is refused as ambiguous rather than guessed.
   */
  resolveArea(row: PeopleCsvRow, fallback: string | undefined): Resolution {
    if (row.areaId !== undefined) {
      return this.#areas.has(row.areaId) ? { ok: true, id: row.areaId } : { ok: false, field: 'areaId', message: `Unknown area id "${row.areaId}".` };
    }
    if (row.area === undefined) {
      return fallback === undefined
        ? { ok: false, field: 'area', message: 'No area: fill in the Area cell, or pass areaId for rows without one.' }
        : { ok: true, id: fallback };
    }
    const area = row.area;
    const byId = this.#areas.has(area) ? area : undefined;
    const named = (this.#areasByName.get(fold(area)) ?? []).filter((id) => id !== byId);
    if (byId !== undefined && named.length > 0) {
      return {
        ok: false,
        field: 'area',
        message: `The area "${area}" is ambiguous: it is the id of area "${this.#areas.get(byId)}" and the name of the area with id "${named[0]}". Add an Area id column to say which.`,
      };
    }
    if (byId !== undefined) return { ok: true, id: byId };
    if (named.length === 1) return { ok: true, id: named[0] as string };
    return {
      ok: false,
      field: 'area',
      message:
        named.length === 0
          ? `Unknown area "${area}": use the name or id of a defined area.`
          : `Several areas are named "${area}": use the area id instead.`,
    };
  }

  /**
   * The row's partner: its Organization id cell (an id), else its Organization
   * cell (an id, or a name in the row's area), else the default. An
   * Organization cell that is one partner's id and another partner's name is
   * refused as ambiguous rather than guessed.
   */
  resolveOrganization(row: PeopleCsvRow, areaId: string, fallback: string | null): OrganizationResolution {
    const areaName = this.#areas.get(areaId);
    if (row.organizationId === undefined && row.organization === undefined) {
      if (fallback === null) return { ok: true, id: null };
      if (this.#organizations.get(fallback)?.areaId === areaId) return { ok: true, id: fallback };
      return { ok: false, field: 'organization', message: `The organizationId option "${fallback}" is not a partner of area "${areaName}"; fill in the Organization cell.` };
    }
    const field: PeopleColumnKey = row.organizationId !== undefined ? 'organizationId' : 'organization';
    const reference = (row.organizationId ?? row.organization) as string;
    const byId = this.#organizations.get(reference);
    const named = field === 'organization' ? (this.#organizationsByName.get(`${areaId}\u0000${fold(reference)}`) ?? []).filter((id) => id !== reference) : [];
    if (byId !== undefined && named.length > 0) {
      return {
        ok: false,
        field,
        message: `The organization "${reference}" is ambiguous: it is the id of organization "${byId.name}" and the name of the organization with id "${named[0]}". Add an Organization id column to say which.`,
      };
    }
    if (byId !== undefined) {
      if (byId.areaId === areaId) return { ok: true, id: reference };
      return { ok: false, field, message: `The organization "${byId.name}" belongs to area "${this.#areas.get(byId.areaId)}", not "${areaName}".` };
    }
    if (named.length === 1) return { ok: true, id: named[0] as string };
    const elsewhere = named.length === 0 && field === 'organization' ? this.#organizationAreasByName.get(fold(reference)) : undefined;
    if (elsewhere !== undefined) {
      return { ok: false, field, message: `The organization "${reference}" belongs to area "${this.#areas.get(elsewhere[0] as string)}", not "${areaName}".` };
    }
    return {
      ok: false,
      field,
      message:
        named.length === 0
          ? `Unknown organization "${reference}" in area "${areaName}": use the name or id of one of its partners, or leave it empty for the host company.`
          : `Several organizations of area "${areaName}" are named "${reference}": use the organization id instead.`,
    };
  }
}

function fold(name: string): string {
  return name.trim().toLowerCase();
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
