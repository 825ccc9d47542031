/**
 * Given/when/then for projections: `given` past events folded into the projection's state,
 * `when` more events, `then` the state they leave (matched partially) and the rows they write.
 */
export interface ProjectionFold<State, Event, Write = never> {
  initialState(): State;
  /** Pure: the next state and the rows the event writes. */
  evolve(state: State, event: Event): { state: State; writes: readonly Write[] };
}

export function projectionSpec<State, Event, Write = never>(fold: ProjectionFold<State, Event, Write>) {
  const run = (state: State, events: readonly Event[]) => {
    const writes: Write[] = [];
    for (const event of events) {
      const next = fold.evolve(state, event);
      state = next.state;
      writes.push(...next.writes);
    }
    return { state, writes };
  };
  return (...given: Event[]) => {
    const before = run(fold.initialState(), given).state;
    return {
      state: before,
      when: (...events: Event[]) => {
        const after = run(before, events);
        return {
          ...after,
          /** `state`: a partial match of the state after; `writes`: exactly the rows the events wrote. */
          then: (expected: { state?: unknown; writes?: readonly Write[] }) => {
            if ('state' in expected) expect(after.state).toMatchObject(expected.state as object);
            if ('writes' in expected) expect(after.writes).toEqual(expected.writes);
          },
        };
      },
    };
  };
}
