/**
 * Given/when/then for deciders: `given` past events, `when` a command, `then` the new events (or
 * the error the command is refused with).
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return (...given: Event[]) => {
    const state = given.reduce(decider.evolve, decider.initialState());
    return {
      state,
      when: (command: Command) => {
        const run = () => decider.decide(command, state);
        return {
          then: (expected: Event[]) => expect(run()).toEqual(expected),
          thenThrows: (match: { code: string; details?: unknown }) => {
            let error: unknown;
            try {
              run();
            } catch (e) {
              error = e;
            }
            expect(error).toMatchObject(match);
          },
          events: run,
        };
      },
    };
  };
}
