import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import type { ComplainantNotice } from '../api/types';
import { NoticeQueuePage } from '../pages/NoticeQueuePage';
import { ME, page, renderWith } from '../test/render';
import { ComplainantNotices } from './ComplainantNotices';

const ID = '00000000-0000-4000-8000-000000000777';
let seq = 0;
const notice = (overrides: Partial<ComplainantNotice> = {}): ComplainantNotice => ({
  id: `10000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
  complaintId: ID,
  number: 'SITEA-261123-007',
  siteId: 'site-a',
  template: 'received',
  channel: 'email',
  status: 'sent',
  attempts: 1,
  lastError: null,
  nextAttemptAt: null,
  createdAt: '2026-11-23T08:00:00.000Z',
  sentAt: '2026-11-23T08:00:05.000Z',
  ...overrides,
});

afterEach(() => vi.restoreAllMocks());

describe('the complaint page lists the notices to the complainant', () => {
  it('shows each notice with its template, channel and status in Chinese, and no address', async () => {
    vi.spyOn(api, 'complaintNotices').mockResolvedValue({
      items: [notice(), notice({ channel: 'sms', status: 'failed', attempts: 5, lastError: 'sms gateway 503', sentAt: null }), notice({ template: 'resolved', channel: 'letter', status: 'ready', sentAt: null })],
    });
    renderWith(<ComplainantNotices complaintId={ID} />, { me: ME.assistant });
    await waitFor(() => expect(screen.getAllByTestId('notice-row')).toHaveLength(3));
    const [email, sms, letter] = screen.getAllByTestId('notice-row');
    expect(email.textContent).toContain('受理通知 · 电子邮件');
    expect(email.textContent).toContain('已发送');
    expect(sms.textContent).toContain('发送失败');
    expect(sms.textContent).toContain('尝试 5 次');
    expect(sms.textContent).toContain('sms gateway 503');
    expect(within(letter).getByTestId('notice-letter').textContent).toBe('打印信函');
  });

  it('in English, says the same', async () => {
    vi.spyOn(api, 'complaintNotices').mockResolvedValue({ items: [notice({ template: 'plan', channel: 'sms', status: 'off', sentAt: null })] });
    renderWith(<ComplainantNotices complaintId={ID} />, { me: ME.assistant, lang: 'en' });
    await waitFor(() => expect(screen.getByTestId('notice-row').textContent).toContain('Rectification plan · SMS'));
    expect(screen.getByTestId('notice-row').textContent).toContain('Channel off');
  });

  it('lets the assistant send failed notices again, and says how many were queued', async () => {
    vi.spyOn(api, 'complaintNotices').mockResolvedValue({ items: [notice({ status: 'failed', attempts: 5, lastError: 'smtp 550 at RCPT TO' })] });
    const retry = vi.spyOn(api, 'retryNotices').mockResolvedValue({ retried: 1 });
    renderWith(<ComplainantNotices complaintId={ID} />, { me: ME.assistant });
    fireEvent.click(await screen.findByTestId('notice-retry'));
    await waitFor(() => expect(retry).toHaveBeenCalledWith(ID));
    expect(await screen.findByText('已重新排队 1 条通知')).toBeTruthy();
  });

  it('offers no retry and no letter to department staff, who do not deal with the complainant', async () => {
    vi.spyOn(api, 'complaintNotices').mockResolvedValue({ items: [notice({ status: 'failed' }), notice({ channel: 'letter' })] });
    renderWith(<ComplainantNotices complaintId={ID} />, { me: ME.handler });
    await waitFor(() => expect(screen.getAllByTestId('notice-row')).toHaveLength(2));
    expect(screen.queryByTestId('notice-retry')).toBeNull();
    expect(screen.queryByTestId('notice-letter')).toBeNull();
  });

  it('says why there are none (anonymous or erased complainants get none)', async () => {
    vi.spyOn(api, 'complaintNotices').mockResolvedValue({ items: [] });
    renderWith(<ComplainantNotices complaintId={ID} />, { me: ME.assistant, lang: 'en' });
    expect(await screen.findByText('No notices (anonymous complainants and erased personal data get none)')).toBeTruthy();
  });
});

describe('the failed-notice queue', () => {
  it('lists the failed notices of the site, each linking to its complaint', async () => {
    const queue = vi.spyOn(api, 'noticeQueue').mockResolvedValue(page([notice({ status: 'failed', channel: 'sms', attempts: 5, lastError: 'sms gateway 503', sentAt: null })]));
    renderWith(<NoticeQueuePage />, { me: ME.assistant });
    const [row] = await screen.findAllByTestId('notice-queue-row');
    expect(queue).toHaveBeenCalledWith({ siteId: 'site-a', status: 'failed' }, expect.anything());
    expect(row.textContent).toContain('SITEA-261123-007');
    expect(row.textContent).toContain('短信');
    expect(row.textContent).toContain('sms gateway 503');
    expect(within(row).getByRole('link').getAttribute('href')).toBe(`/complaints/${ID}`);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('通知失败队列');
  });

  it('says so when nothing failed, in English too', async () => {
    vi.spyOn(api, 'noticeQueue').mockResolvedValue(page([]));
    renderWith(<NoticeQueuePage />, { me: ME.assistant, lang: 'en' });
    expect(await screen.findByText('No failed notices')).toBeTruthy();
  });
});
