import {
  ConditionContext,
  collectConditionAttributes,
  collectConditionSegments,
  compileCondition,
  evaluateCondition,
} from './conditions';
import { Condition } from './journey-definition';

function context(
  trigger: Record<string, unknown> = {},
  profile: Record<string, unknown> = {},
  segments: string[] = [],
): ConditionContext {
  return { trigger, profile, inSegment: (segmentId) => segments.includes(segmentId) };
}

const holds = (condition: Condition, ctx: ConditionContext): boolean => evaluateCondition(condition, ctx);

describe('evaluateCondition, one operator at a time', () => {
  it('eq and ne compare strictly, numbers numerically', () => {
    const ctx = context({ country: 'US', amount: 100, vip: true, count: '5' });
    expect(holds({ attribute: 'trigger.country', op: 'eq', value: 'US' }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.country', op: 'eq', value: 'us' }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.amount', op: 'eq', value: 100 }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.amount', op: 'eq', value: 100.0 }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.vip', op: 'eq', value: true }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.count', op: 'eq', value: 5 }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.country', op: 'ne', value: 'FR' }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.country', op: 'ne', value: 'US' }, ctx)).toBe(false);
  });

  it('eq compares date-times by instant', () => {
    const ctx = context({ at: '2026-12-01T10:00:00+01:00' });
    expect(holds({ attribute: 'trigger.at', op: 'eq', value: '2026-12-01T09:00:00Z' }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.at', op: 'eq', value: '2026-12-01T10:00:00Z' }, ctx)).toBe(false);
  });

  it('gt gte lt lte order numbers', () => {
    const ctx = context({ amount: 100 });
    const check = (op: 'gt' | 'gte' | 'lt' | 'lte', value: number) =>
      holds({ attribute: 'trigger.amount', op, value }, ctx);
    expect([check('gt', 99), check('gt', 100), check('gte', 100), check('gte', 101)]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect([check('lt', 101), check('lt', 100), check('lte', 100), check('lte', 99)]).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('gt and lt order date-times by instant, and nothing else', () => {
    const ctx = context({ at: '2026-12-01T10:00:00+01:00', name: 'b', amount: '100' });
    expect(holds({ attribute: 'trigger.at', op: 'gt', value: '2026-12-01T08:59:59Z' }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.at', op: 'lt', value: '2026-12-01T08:59:59Z' }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.at', op: 'gte', value: '2026-12-01T09:00:00Z' }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.name', op: 'gt', value: 'a' }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.amount', op: 'gt', value: 5 }, ctx)).toBe(false);
  });

  it('before and after compare instants, also of Date values', () => {
    const at = '2026-12-01T09:00:00Z';
    const ctx = context({ text: '2026-11-30T23:00:00-02:00', date: new Date('2026-12-02T00:00:00Z'), junk: 'soon' });
    expect(holds({ attribute: 'trigger.text', op: 'before', value: at }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.text', op: 'after', value: at }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.date', op: 'after', value: at }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.junk', op: 'before', value: at }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.junk', op: 'after', value: at }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.text', op: 'before', value: at }, context({ text: new Date(Number.NaN) }))).toBe(
      false,
    );
  });

  it('in tests membership in the listed values', () => {
    const ctx = context({ country: 'CA', amount: 3, at: '2026-12-01T10:00:00+01:00' });
    expect(holds({ attribute: 'trigger.country', op: 'in', value: ['US', 'CA'] }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.country', op: 'in', value: ['US'] }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.country', op: 'in', value: [] }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.amount', op: 'in', value: [1, 2, 3] }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.amount', op: 'in', value: ['3'] }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.at', op: 'in', value: ['x', '2026-12-01T09:00:00Z'] }, ctx)).toBe(true);
  });

  it('contains looks into text and lists', () => {
    const ctx = context({}, { email: 'ann@example.com', tags: ['vip', 'beta'], scores: [1, 2], age: 40 });
    expect(holds({ attribute: 'profile.email', op: 'contains', value: '@example.' }, ctx)).toBe(true);
    expect(holds({ attribute: 'profile.email', op: 'contains', value: 'EXAMPLE' }, ctx)).toBe(false);
    expect(holds({ attribute: 'profile.tags', op: 'contains', value: 'vip' }, ctx)).toBe(true);
    expect(holds({ attribute: 'profile.tags', op: 'contains', value: 'vi' }, ctx)).toBe(false);
    expect(holds({ attribute: 'profile.scores', op: 'contains', value: 2 }, ctx)).toBe(true);
    expect(holds({ attribute: 'profile.age', op: 'contains', value: 4 }, ctx)).toBe(false);
    expect(holds({ attribute: 'profile.email', op: 'contains', value: 4 }, ctx)).toBe(false);
  });

  it('exists tells present from missing or null', () => {
    const ctx = context({ plan: 'pro', empty: '', gone: null });
    expect(holds({ attribute: 'trigger.plan', op: 'exists' }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.plan', op: 'exists', value: true }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.plan', op: 'exists', value: false }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.empty', op: 'exists' }, ctx)).toBe(true);
    expect(holds({ attribute: 'trigger.gone', op: 'exists' }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.missing', op: 'exists', value: false }, ctx)).toBe(true);
  });

  it('a missing attribute matches nothing but ne and exists false', () => {
    const ctx = context();
    const missing = 'trigger.missing' as const;
    expect(holds({ attribute: missing, op: 'eq', value: 'x' }, ctx)).toBe(false);
    expect(holds({ attribute: missing, op: 'ne', value: 'x' }, ctx)).toBe(true);
    expect(holds({ attribute: missing, op: 'gt', value: 0 }, ctx)).toBe(false);
    expect(holds({ attribute: missing, op: 'lte', value: 0 }, ctx)).toBe(false);
    expect(holds({ attribute: missing, op: 'in', value: ['x'] }, ctx)).toBe(false);
    expect(holds({ attribute: missing, op: 'contains', value: 'x' }, ctx)).toBe(false);
    expect(holds({ attribute: missing, op: 'before', value: '2030-01-01T00:00:00Z' }, ctx)).toBe(false);
  });

  it('never reads inherited properties', () => {
    const ctx = context({}, {});
    expect(holds({ attribute: 'profile.constructor', op: 'exists' }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.__proto__', op: 'exists' }, ctx)).toBe(false);
    expect(holds({ attribute: 'trigger.toString', op: 'exists' }, ctx)).toBe(false);
  });

  it('reads trigger.* from the trigger and profile.* from the profile', () => {
    const ctx = context({ tier: 'gold' }, { tier: 'silver' });
    expect(holds({ attribute: 'trigger.tier', op: 'eq', value: 'gold' }, ctx)).toBe(true);
    expect(holds({ attribute: 'profile.tier', op: 'eq', value: 'silver' }, ctx)).toBe(true);
  });

  it('reads attribute names that contain dots as one name', () => {
    expect(
      holds({ attribute: 'profile.address.city', op: 'eq', value: 'Paris' }, context({}, { 'address.city': 'Paris' })),
    ).toBe(true);
  });
});

describe('evaluateCondition, combinations', () => {
  const ctx = context({ country: 'US' }, { tier: 'gold' }, ['loyalty']);
  const yes: Condition = { attribute: 'trigger.country', op: 'eq', value: 'US' };
  const no: Condition = { attribute: 'profile.tier', op: 'eq', value: 'bronze' };

  it('inSegment asks the context', () => {
    expect(holds({ inSegment: 'loyalty' }, ctx)).toBe(true);
    expect(holds({ inSegment: 'churned' }, ctx)).toBe(false);
  });

  it('all, any and not combine', () => {
    expect(holds({ all: [yes, { inSegment: 'loyalty' }] }, ctx)).toBe(true);
    expect(holds({ all: [yes, no] }, ctx)).toBe(false);
    expect(holds({ any: [no, yes] }, ctx)).toBe(true);
    expect(holds({ any: [no, no] }, ctx)).toBe(false);
    expect(holds({ not: no }, ctx)).toBe(true);
    expect(holds({ not: { any: [no, { all: [yes, { not: { inSegment: 'churned' } }] }] } }, ctx)).toBe(false);
  });

  it('an empty all holds and an empty any does not', () => {
    expect(holds({ all: [] }, ctx)).toBe(true);
    expect(holds({ any: [] }, ctx)).toBe(false);
  });

  it('stops at the first deciding part', () => {
    const asked: string[] = [];
    const counting: ConditionContext = { ...ctx, inSegment: (id) => (asked.push(id), id === 'a') };
    expect(holds({ any: [{ inSegment: 'a' }, { inSegment: 'b' }] }, counting)).toBe(true);
    expect(asked).toEqual(['a']);
  });

  it('gives the same answers compiled once as evaluated each time', () => {
    const condition: Condition = { all: [yes, { not: no }] };
    const predicate = compileCondition(condition);
    expect(predicate(ctx)).toBe(true);
    expect(predicate(context({ country: 'FR' }))).toBe(false);
    expect(holds(condition, ctx)).toBe(true);
    expect(holds(condition, context({ country: 'FR' }))).toBe(false);
  });
});

describe('collecting what a condition reads', () => {
  const condition: Condition = {
    all: [
      { attribute: 'trigger.country', op: 'eq', value: 'US' },
      { any: [{ inSegment: 'vip' }, { not: { attribute: 'profile.tier', op: 'exists' } }] },
      { attribute: 'trigger.country', op: 'ne', value: 'CA' },
      { inSegment: 'beta' },
      { inSegment: 'vip' },
    ],
  };

  it('lists attributes once each, in order', () => {
    expect(collectConditionAttributes(condition)).toEqual(['trigger.country', 'profile.tier']);
  });

  it('lists segments once each, in order', () => {
    expect(collectConditionSegments(condition)).toEqual(['vip', 'beta']);
  });
});

describe('evaluateCondition on many contexts', () => {
  // Speed is measured by `npm run bench`, not asserted here; this checks the cached compiled form.
  it('gives the same answer for every context on repeated evaluation', () => {
    const condition: Condition = {
      all: [
        { attribute: 'trigger.country', op: 'in', value: ['US', 'CA', 'MX'] },
        { attribute: 'trigger.amount', op: 'gte', value: 50 },
        { not: { inSegment: 'do-not-contact' } },
        { attribute: 'profile.signedUpAt', op: 'after', value: '2026-01-01T00:00:00Z' },
      ],
    };
    const contexts = Array.from({ length: 1000 }, (_, index) =>
      context({ country: index % 2 ? 'US' : 'FR', amount: index % 100 }, { signedUpAt: '2026-06-01T10:00:00Z' }),
    );
    const rounds = 3;
    let matched = 0;
    for (let round = 0; round < rounds; round++) {
      for (const ctx of contexts) if (evaluateCondition(condition, ctx)) matched++;
    }
    expect(matched).toBe(rounds * 250);
  });
});
