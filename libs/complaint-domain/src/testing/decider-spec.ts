/**
 * given(events).when(command).then(events) — decider tests that read as specifications
 * (after Emmett's DeciderSpecification). Framework-free: assertions use node:assert, so the
 * helper runs under jest or any other runner, and events are compared after a JSON round trip,
 * exactly as an event store would hand them back.
 *
 *   const given = deciderSpecification({ decide, evolve, initialState }, context);
 *   given([registered]).when(triage).then([triaged]);
 *   given([registered, closed]).when(resolve).thenThrows(InvalidStateError);
 */
import { deepStrictEqual, fail, ok } from 'node:assert';

export type Decider<Command, Event, State, Context> = {
  decide: (command: Command, state: State, context?: Context) => Event[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
};

type ErrorClass = abstract new (...args: never[]) => Error;
export type ErrorCheck = ErrorClass | ((error: unknown) => boolean);

export type Outcome<Event, State> = {
  /** The decided events equal these, in order. */
  then: (expected: Event[]) => void;
  /** The command is accepted but changes nothing (e.g. an already-applied scheduler key). */
  thenNothingHappens: () => void;
  /** The decision throws; `check` is an error class or a predicate, `assertError` inspects it further. */
  thenThrows: <E = unknown>(check: ErrorCheck, assertError?: (error: E) => void) => void;
  /** The events for custom assertions. */
  events: () => Event[];
  /** The state after applying the decided events. */
  state: () => State;
};

const jsonClean = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const isClass = (check: ErrorCheck): check is ErrorClass => check === Error || (check as { prototype?: unknown }).prototype instanceof Error;

export const deciderSpecification = <Command, Event, State, Context>(decider: Decider<Command, Event, State, Context>, context?: Context) => {
  const given = (events: Event[]) => ({
    when: (command: Command): Outcome<Event, State> => {
      const run = (): Event[] => {
        const state = events.reduce(decider.evolve, decider.initialState());
        return decider.decide(command, state, context);
      };
      return {
        then: (expected) => deepStrictEqual(jsonClean(run()), jsonClean(expected)),
        thenNothingHappens: () => deepStrictEqual(run(), []),
        thenThrows: (check, assertError) => {
          let events: Event[];
          try {
            events = run();
          } catch (error) {
            const matches = isClass(check) ? error instanceof check : check(error);
            ok(matches, `Threw the wrong error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
            assertError?.(error as never);
            return;
          }
          fail(`Expected an error but the decider returned ${JSON.stringify(events)}`);
        },
        events: run,
        state: () => [...events, ...run()].reduce(decider.evolve, decider.initialState()),
      };
    },
  });
  return given;
};
