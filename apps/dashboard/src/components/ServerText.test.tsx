import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { HistoryEvent } from '../api/types';
import { renderWith } from '../test/render';
import { Timeline } from './Timeline';
import { ErrorBanner } from './ui';

/** Text the server makes (errors, automatic triage reasons) shown from its codes in the reader's language. */
describe('server texts rendered from their codes', () => {
  const closed = () =>
    new ApiError(409, 'Conflict', "Cannot record a callback: the complaint's current status is 'closed'", [{ field: 'satisfaction', problem: 'must be an integer from 1 to 5', code: 'problem.out_of_range' }], 'error.invalid_state', {
      status: 'closed',
    });

  it('shows an error banner in Chinese from the code and its parameters, with no English from the server', () => {
    const { container } = renderWith(<ErrorBanner error={closed()} />, { lang: 'zh' });
    expect(screen.getByTestId('server-message').textContent).toBe('投诉当前状态为“已关闭”，不允许此操作。');
    expect(screen.getByRole('alert').textContent).toContain('超出允许范围');
    // No English words outside the field name (a code) and the status number.
    const text = Array.from(container.querySelectorAll('.error-banner'))
      .map((e) => {
        const c = e.cloneNode(true) as HTMLElement;
        c.querySelectorAll('code').forEach((x) => x.remove());
        return c.textContent ?? '';
      })
      .join(' ');
    expect(text).not.toMatch(/[A-Za-z]{2,}/);
  });

  it('shows the same error in English from the code, with the server’s own message beside it', () => {
    renderWith(<ErrorBanner error={closed()} />, { lang: 'en' });
    expect(screen.getByTestId('server-message').textContent).toContain('Not allowed while the complaint is “Closed”.');
    expect(screen.getByTestId('server-message-detail').textContent).toContain("current status is 'closed'");
    expect(screen.getByRole('alert').textContent).toContain('must be an integer from 1 to 5');
  });

  it('names the next approver of a compensation over the limit in Chinese, from the code’s parameters', () => {
    const over = new ApiError(403, 'Forbidden', '500 CNY exceeds the cs_manager limit of 1000; it goes to the general_manager for approval', [], 'error.forbidden.over_limit', {
      amount: 500,
      total: 1300,
      limit: 1000,
      currency: 'CNY',
      role: 'cs_manager',
      next: 'general_manager',
    });
    renderWith(<ErrorBanner error={over} />, { lang: 'zh' });
    expect(screen.getByTestId('server-message').textContent).toBe('赔偿合计 1300 CNY 超出客服中心经理的审批权限（1000），须由总物业经理审批。');
  });

  it('falls back to the server’s message for a code it does not know, or none', () => {
    renderWith(<ErrorBanner error={new ApiError(409, 'Conflict', 'A brand-new refusal', [], 'error.from_a_newer_server')} />, { lang: 'zh' });
    expect(screen.getByTestId('server-message').textContent).toBe('A brand-new refusal');
  });

  const event = (data: Record<string, unknown>): HistoryEvent => ({
    seq: 2,
    type: 'ComplaintTriaged',
    at: '2026-11-23T08:10:00.000Z',
    recordedAt: '2026-11-23T08:10:00.000Z',
    actor: { id: 'system:auto-triage', role: 'system' },
    data: { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: 'engineering', automatic: true, ...data },
    hash: 'a'.repeat(64),
    prevHash: 'b'.repeat(64),
  });

  it('shows an automatic triage’s reasons from their codes in either language', () => {
    const explanations = [
      { code: 'category_keyword', params: { words: ['漏水'], category: 'repairs' } },
      { code: 'nature_default', params: {} },
    ];
    renderWith(<Timeline events={[event({ explanations })]} />, { lang: 'zh' });
    expect(document.body.textContent).toContain('命中关键词“漏水” → 类别：维修');
    expect(document.body.textContent).toContain('除非另有证明，视为我方服务原因 → 性质：有效投诉');
  });

  it('shows an older automatic triage (English reasons in its note) without the English on a Chinese screen, and as it was in English', () => {
    const old = event({ note: '自动判别 automatic: category: matched "漏水" → category repairs' });
    const zh = renderWith(<Timeline events={[old]} />, { lang: 'zh' });
    expect(document.body.textContent).not.toContain('matched');
    expect(document.body.textContent).toContain('系统自动');
    zh.unmount();
    renderWith(<Timeline events={[old]} />, { lang: 'en' });
    expect(document.body.textContent).toContain('matched "漏水"');
  });

  it('shows the system’s own escalations from their data, not their English reason', () => {
    const escalated = (data: Record<string, unknown>): HistoryEvent => ({ ...event({}), type: 'ComplaintEscalated', data: { fromLevel: 0, toLevel: 1, escalatedTo: 'cs_manager', automatic: true, ...data } });
    renderWith(<Timeline events={[escalated({ deadline: 'firstReply', dueAt: '2026-11-24T02:00:00.000Z', reason: 'firstReply overdue since 2026-11-24T02:00:00.000Z' })]} />, { lang: 'zh' });
    expect(document.body.textContent).toContain('“一次答复”逾期未完成');
    expect(document.body.textContent).not.toContain('overdue');
  });
});
