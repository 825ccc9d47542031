import { PROJECTION_NAMES } from '@journeys/contract';
import { PROJECTIONS } from './projections';

describe('the projections the rebuild request may name', () => {
  it('are the service projections, as the schema lists them', () => {
    expect(PROJECTIONS.map((p) => p.name).sort()).toEqual([...PROJECTION_NAMES].sort());
  });
});
