import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import type { HistoryEvent } from '../api/types';
import { ME, renderWith, view } from '../test/render';
import { AuditPage, linkStatuses } from './AuditPage';

const GENESIS = '0'.repeat(64);
const chain = (n: number): HistoryEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    type: i === 0 ? 'ComplaintRegistered' : 'ProgressNoted',
    at: new Date(Date.UTC(2026, 10, 23, 8, i)).toISOString(),
    recordedAt: new Date(Date.UTC(2026, 10, 23, 8, i)).toISOString(),
    actor: { id: 'u1', role: 'cs_assistant' },
    data: { message: `note ${i}` },
    hash: `${i + 1}`.padStart(64, 'a'),
    prevHash: i === 0 ? GENESIS : `${i}`.padStart(64, 'a'),
  }));

describe('the audit view', () => {
  it('links each event to the one before; from a reported break on nothing is vouched for', () => {
    expect(linkStatuses(chain(3), { valid: true, events: 3 })).toEqual(['ok', 'ok', 'ok']);
    const tampered = chain(4);
    tampered[2] = { ...tampered[2], prevHash: 'f'.repeat(64) };
    expect(linkStatuses(tampered, null)).toEqual(['ok', 'ok', 'broken', 'ok']);
    expect(linkStatuses(chain(4), { valid: false, events: 4, brokenAt: 2, reason: 'hash_mismatch' })).toEqual(['ok', 'broken', 'afterBreak', 'afterBreak']);
  });

  it('shows the verdict, every event with its hash status, and the state at a chosen moment', async () => {
    const v = view({ status: 'in_progress' });
    vi.spyOn(api, 'complaint').mockResolvedValue(v);
    vi.spyOn(api, 'verify').mockResolvedValue({ valid: false, events: 3, brokenAt: 3, reason: 'hash_mismatch' });
    const history = vi.spyOn(api, 'history').mockImplementation(async (_id: string, asOf?: string) =>
      asOf ? { events: chain(2), stateAsOf: { ...v, status: 'registered' } } : { events: chain(3) },
    );
    renderWith(<AuditPage id={v.id} />, { me: ME.auditor });
    expect((await screen.findByTestId('verdict')).textContent).toContain('哈希链在第 3 条记录处断开（hash_mismatch）');
    const table = await screen.findByTestId('audit-table');
    await waitFor(() => expect(within(table).getAllByText(/与上一条相连/)).toHaveLength(2));
    expect(within(table).getByText(/与上一条不相连/)).toBeTruthy();
    fireEvent.click(within(table).getAllByRole('button', { name: '此事件后的状态' })[1]);
    await waitFor(() => expect(history).toHaveBeenLastCalledWith(v.id, chain(2)[1].recordedAt, expect.anything()));
    const state = await screen.findByTestId('asof-state');
    expect(within(state).getByText('已登记')).toBeTruthy();
    expect(within(state).getByText('截至该时刻共 2 条事件')).toBeTruthy();
  });
});
