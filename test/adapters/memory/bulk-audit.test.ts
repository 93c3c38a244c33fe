import { describe, expect, it } from 'vitest';
import { InMemorySeatRepository } from '../../../src/adapters/memory/in-memory-seat-repository.js';
import type { AuditEvent } from '../../../src/index.js';
import { at } from '../../../src/testing/fixtures.js';

describe('InMemorySeatRepository with a bulk write', () => {
  it('keeps the audit events of a write of 200,000 users (more than one call may spread onto the stack)', async () => {
    const repository = new InMemorySeatRepository();
    const events: AuditEvent[] = Array.from({ length: 200_000 }, (_, i) => ({
      id: `e${String(i).padStart(6, '0')}`,
      at: at(i),
      actor: { id: 'csv-import', name: null },
      action: 'user.created',
      subject: { type: 'user', id: `u${i}` },
      userId: `u${i}`,
      areaId: null,
      before: null,
      after: { username: `user${i}` },
    }));
    await repository.transaction({ areaIds: [] }, (tx) => tx.appendAuditEvents(events));
    const page = await repository.listAuditEvents({}, { after: null, limit: 1 });
    expect(page.events.map((e) => e.id)).toEqual(['e199999']);
  });
});
