import { AssertionError } from 'node:assert';
import { InvalidStateError, ValidationError } from '../common/domain-errors';
import { deciderSpecification } from './decider-spec';

type Cmd = { type: 'Add'; amount: number };
type Evt = { type: 'Added'; amount: number };
const decide = (command: Cmd, state: number): Evt[] => {
  if (command.amount < 0) throw new ValidationError([{ field: 'amount', problem: 'negative' }]);
  if (state >= 10) throw new InvalidStateError('add', 'full');
  return command.amount === 0 ? [] : [{ type: 'Added', amount: command.amount }];
};
const given = deciderSpecification({ decide, evolve: (s: number, e: Evt) => s + e.amount, initialState: () => 0 });

describe('The given/when/then helper', () => {
  describe('When the decider returns the expected events', () => {
    it('should pass', () => {
      given([]).when({ type: 'Add', amount: 2 }).then([{ type: 'Added', amount: 2 }]);
    });
  });
  describe('When the decider returns other events', () => {
    it('should fail the test', () => {
      expect(() => given([]).when({ type: 'Add', amount: 2 }).then([{ type: 'Added', amount: 3 }])).toThrow(AssertionError);
      expect(() => given([]).when({ type: 'Add', amount: 2 }).thenNothingHappens()).toThrow(AssertionError);
    });
  });
  describe('When an error is expected', () => {
    it('should pass for the right class or predicate and fail for a wrong one or for no error', () => {
      given([{ type: 'Added', amount: 10 }]).when({ type: 'Add', amount: 1 }).thenThrows(InvalidStateError);
      given([]).when({ type: 'Add', amount: -1 }).thenThrows((e) => e instanceof ValidationError && e.details[0].field === 'amount');
      expect(() => given([]).when({ type: 'Add', amount: -1 }).thenThrows(InvalidStateError)).toThrow(AssertionError);
      expect(() => given([]).when({ type: 'Add', amount: 1 }).thenThrows(Error)).toThrow(AssertionError);
      expect(() =>
        given([{ type: 'Added', amount: 10 }])
          .when({ type: 'Add', amount: 1 })
          .thenThrows(InvalidStateError, (e: InvalidStateError) => expect(e.currentStatus).toBe('empty')),
      ).toThrow();
    });
  });
  describe('When the state after the decision is wanted', () => {
    it('should fold the given and the decided events', () => {
      expect(given([{ type: 'Added', amount: 4 }]).when({ type: 'Add', amount: 3 }).state()).toBe(7);
    });
  });
});
