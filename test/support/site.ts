import { createSeatkeeper, InMemorySeatRepository, type Organization, type Seatkeeper } from '../../src/index.js';
import { fixedClock, type FakeClock } from './clock.js';

/** A partner organization to define directly in the repository. */
export interface PartnerSpec {
  readonly id: string;
  readonly areaId?: string;
  readonly name?: string;
  readonly access?: 'granted' | 'denied';
  readonly maxUsers?: number | null;
}

/** What a test site is made of. */
export interface SiteSpec {
  /** Seats of the primary area ("Primary Area"). Default 100. */
  readonly maxUsers?: number;
  /** Seats of an extranet area "extranet" ("Partner Extranet"); none when omitted. */
  readonly extranet?: number;
  readonly partners?: readonly PartnerSpec[];
  readonly minimumPurchase?: number;
}

/** A test site. */
export interface Site {
  readonly seats: Seatkeeper;
  readonly repository: InMemorySeatRepository;
  readonly clock: FakeClock;
}

/**
 * A seatkeeper on a fresh in-memory repository with a primary area, an optional
 * extranet area and partner organizations (written straight to the repository:
 * defining them is another capability's business).
 */
export async function makeSite(spec: SiteSpec = {}): Promise<Site> {
  const repository = new InMemorySeatRepository();
  const clock = fixedClock('2026-03-01T09:30:00.000Z');
  let id = 0;
  const seats = createSeatkeeper({
    repository,
    clock,
    newId: () => `id-${++id}`,
    ...(spec.minimumPurchase === undefined ? {} : { minimumPurchase: spec.minimumPurchase }),
  });
  await seats.defineArea({ id: 'primary', kind: 'primary', name: 'Primary Area', maxUsers: spec.maxUsers ?? 100 });
  if (spec.extranet !== undefined) await seats.defineArea({ id: 'extranet', kind: 'extranet', name: 'Partner Extranet', maxUsers: spec.extranet });
  for (const p of spec.partners ?? []) {
    const organization: Organization = {
      id: p.id,
      areaId: p.areaId ?? 'primary',
      name: p.name ?? p.id,
      access: p.access ?? 'granted',
      maxUsers: p.maxUsers ?? null,
      createdAt: clock(),
      updatedAt: clock(),
    };
    await repository.transaction({ areaIds: [organization.areaId] }, (tx) => tx.putOrganization(organization));
  }
  return { seats, repository, clock };
}

/** Joins an async iterable of text chunks. */
export async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}
