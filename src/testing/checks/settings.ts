import assert from 'node:assert/strict';
import type { JsonValue } from '../../ports/repository.js';
import { check, type SeatRepositoryCheck } from '../check.js';

/** Site settings. */
export const settingChecks: readonly SeatRepositoryCheck[] = [
  check('settings', 'settings keep any JSON value, hand out copies, and null removes them', async (repository) => {
    const values: Record<string, JsonValue> = {
      object: { to: 'licences@example.com', reminder: { days: 7 }, tags: ['a', 'b'], none: null, on: true },
      array: [1, 'two', { three: 3 }, [4]],
      string: 'ünïcode ✓',
      number: 12.5,
      zero: 0,
      boolean: false,
    };
    assert.equal(await repository.getSetting('object'), null);
    await repository.transaction({ areaIds: [] }, async (tx) => {
      for (const [key, value] of Object.entries(values)) await tx.putSetting(key, value);
      assert.deepEqual(await tx.getSetting('object'), values.object, 'a transaction reads its own setting');
    });
    for (const [key, value] of Object.entries(values)) assert.deepEqual(await repository.getSetting(key), value, key);

    const copy = (await repository.getSetting('object')) as { reminder: { days: number } };
    try {
      copy.reminder.days = 99;
    } catch {
      // a frozen copy refuses the change, which keeps the rule as well
    }
    assert.deepEqual(await repository.getSetting('object'), values.object);

    await repository.transaction({ areaIds: [] }, async (tx) => {
      await tx.putSetting('string', 'replaced');
      await tx.putSetting('object', null);
      assert.equal(await tx.getSetting('object'), null);
    });
    assert.equal(await repository.getSetting('string'), 'replaced');
    assert.equal(await repository.getSetting('object'), null);
    assert.equal(await repository.getSetting('never-set'), null);
  }),
];
