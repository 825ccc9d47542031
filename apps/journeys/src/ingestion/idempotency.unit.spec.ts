import { differingFields, keyReused } from './idempotency';

const stored = {
  id: 'dup-1',
  trigger: 't',
  customerId: 'u1',
  occurredAt: '2026-06-01T10:00:00Z',
  attributes: { plan: 'pro', seats: 3 },
  receivedAt: '2026-06-01T10:00:01.000Z',
};

describe('the idempotency rule', () => {
  it('given the same message again, in another key order and another spelling of its instant, then it is a duplicate', () => {
    const again = {
      attributes: { seats: 3, plan: 'pro' },
      occurredAt: '2026-06-01T10:00:00.000Z',
      customerId: 'u1',
      trigger: 't',
      id: 'dup-1',
    };
    expect(differingFields(stored, again)).toEqual([]);
  });

  it('given other content under the same id, then every differing field is named', () => {
    const other = { ...stored, attributes: { plan: 'free', seats: 3 }, bindingId: 'order/1' };
    delete (other as Partial<typeof other>).receivedAt;
    expect(differingFields(stored, other)).toEqual(['attributes', 'bindingId']);
    expect(keyReused('trigger', 'dup-1', ['attributes', 'bindingId'])).toEqual({
      code: 'IdempotencyKeyReused',
      path: '$.id',
      message: expect.stringContaining('trigger id dup-1 was already used for this customer with other content'),
    });
  });
});
