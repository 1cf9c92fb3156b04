import { DEFAULT_POLICY } from '../policy/policy';
import { callbackQuotaShortfalls, callbackRate } from './callback-quota';

describe('Monthly callback quota (CS manager ≥ 3, general manager ≥ 1)', () => {
  describe('When a month’s callbacks are counted', () => {
    it('should report who fell short and by how much', () => {
      expect(
        callbackQuotaShortfalls(
          [
            { actorId: 'm1', role: 'cs_manager', callbacks: 2 },
            { actorId: 'm2', role: 'cs_manager', callbacks: 3 },
            { actorId: 'g1', role: 'general_manager', callbacks: 0 },
            { actorId: 'a1', role: 'cs_assistant', callbacks: 0 },
          ],
          DEFAULT_POLICY,
        ),
      ).toEqual([
        { actorId: 'm1', role: 'cs_manager', callbacks: 2, required: 3, missing: 1 },
        { actorId: 'g1', role: 'general_manager', callbacks: 0, required: 1, missing: 1 },
      ]);
    });
  });
  describe('When the callback rate is computed (target 100 %)', () => {
    it('should divide done by callable, and count nothing callable as 100 %', () => {
      expect([callbackRate(9, 10), callbackRate(0, 0)]).toEqual([0.9, 1]);
    });
  });
});
