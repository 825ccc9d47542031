import { loyaltyDigestJourneyExample, welcomeJourneyExample } from '@journeys/definition/examples';
import type { JourneyDefinition } from '@journeys/definition/journey-definition';
import { layOut, NODE_HEIGHT } from './layout';
import { END_NODE, ENTRY_NODE, graphModel } from './step-graph-model';

const edges = (definition: JourneyDefinition) =>
  graphModel(definition).edges.map((e) => `${e.from} -> ${e.to}${e.fullLabel ? ` [${e.fullLabel}]` : ''}`);

describe('graphModel', () => {
  it('draws the entry, every step, yes / no and branch edges with their conditions, and where journeys complete', () => {
    expect(edges(welcomeJourneyExample)).toEqual([
      `${ENTRY_NODE} -> welcome`,
      'welcome -> settle',
      'settle -> await-purchase',
      'await-purchase -> by-order-size [yes]',
      'await-purchase -> reminder [no]',
      'by-order-size -> thanks-big [trigger.amount gte 100]',
      'by-order-size -> thanks [otherwise]',
      `thanks-big -> ${END_NODE}`,
      `thanks -> ${END_NODE}`,
      `reminder -> ${END_NODE}`,
    ]);
    const entry = graphModel(welcomeJourneyExample).nodes[0];
    expect(entry).toMatchObject({ kind: 'entry', subtitle: 'trigger signed-up' });
  });

  it('labels split branches with their share, a hold-out branch included, and profile conditions', () => {
    expect(edges(loyaltyDigestJourneyExample)).toEqual(
      expect.arrayContaining([
        'by-tier -> gold-offer [profile.tier eq "gold"]',
        'channel-test -> digest-email [45%]',
        'channel-test -> digest-sms [45%]',
        `channel-test -> ${END_NODE} [10%]`,
        `announce -> ${END_NODE}`,
      ]),
    );
  });

  it('draws an exit step as an exit with no way out, and leaves out edges to unknown steps', () => {
    const model = graphModel({
      name: 'x',
      audience: { type: 'segment', segments: ['a', 'b'] },
      steps: [
        {
          id: 'gate',
          type: 'branch',
          branches: [{ if: { not: { inSegment: 'vip' } }, next: 'out' }],
          otherwise: 'ghost',
        },
        { id: 'out', type: 'exit' },
      ],
    });
    expect(model.edges.map((e) => `${e.from}->${e.to}:${e.label}`)).toEqual([
      `${ENTRY_NODE}->gate:`,
      'gate->out:not (in segment vip)',
    ]);
    expect(model.nodes.map((n) => n.kind)).toEqual(['entry', 'step', 'step']);
    expect(model.nodes[0].subtitle).toBe('segments a, b');
  });
});

describe('layOut', () => {
  it('places every node and edge, each step below the one before it on a chain', () => {
    const placed = layOut(graphModel(welcomeJourneyExample));
    const y = new Map(placed.nodes.map((n) => [n.id, n.y]));
    expect(y.get('settle')! - y.get('welcome')!).toBeGreaterThanOrEqual(NODE_HEIGHT);
    expect(y.get('await-purchase')!).toBeGreaterThan(y.get('settle')!);
    expect(placed.edges.every((e) => e.points.length >= 2)).toBe(true);
    expect(placed.edges.filter((e) => e.labelAt).map((e) => e.label)).toEqual(
      expect.arrayContaining(['yes', 'no', 'otherwise']),
    );
    expect(placed.width).toBeGreaterThan(0);
  });
});
