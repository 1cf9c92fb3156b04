import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '../api/client';
import type { TriageSuggestion } from '../api/types';
import { ME, renderWith, view } from '../test/render';
import { TriageForm, TriagePage } from './TriagePage';

const suggestion: TriageSuggestion = {
  nature: 'valid',
  severity: 'important',
  urgency: 'urgent',
  major: false,
  majorReasons: [],
  category: 'facilities',
  department: 'engineering',
  reasons: ['urgent_keyword: matched "电梯困人" → urgency urgent', 'category_keyword: matched "电梯" → category facilities', 'department_map: category facilities → department engineering'],
};

const checked = (name: string) => (screen.getByRole('radio', { name: new RegExp(name) }) as HTMLInputElement).checked;

describe('the triage form', () => {
  it('is pre-filled from the suggestion, and every field stays editable', () => {
    const submit = vi.fn();
    renderWith(<TriageForm view={view()} suggestion={suggestion} onSubmit={submit} />);
    expect(checked('有效投诉')).toBe(true);
    expect(checked('重要')).toBe(true);
    expect(checked('紧急')).toBe(true);
    expect((screen.getByLabelText(/^类别/) as HTMLSelectElement).value).toBe('facilities');
    expect((screen.getByLabelText(/责任部门/) as HTMLSelectElement).value).toBe('engineering');
    fireEvent.click(screen.getByRole('radio', { name: /待改进投诉/ }));
    fireEvent.change(screen.getByLabelText(/责任部门/), { target: { value: 'customer_service' } });
    fireEvent.click(screen.getByTestId('triage-submit'));
    expect(submit).toHaveBeenCalledWith({ nature: 'to_be_improved', severity: 'important', urgency: 'urgent', major: false, category: 'facilities', department: 'customer_service' });
  });

  it('refuses a major severity on an invalid complaint, beside the field', () => {
    const submit = vi.fn();
    renderWith(<TriageForm view={view()} suggestion={{ ...suggestion, severity: 'major' }} onSubmit={submit} />);
    fireEvent.click(screen.getByRole('radio', { name: /无效投诉/ }));
    fireEvent.click(screen.getByTestId('triage-submit'));
    expect(screen.getByText('无效投诉的严重程度不能为“重大”')).toBeTruthy();
    expect(submit).not.toHaveBeenCalled();
    // The invalid reason appears for invalid complaints only.
    expect(screen.getByLabelText('无效原因')).toBeTruthy();
  });

  it('shows the API’s field problems beside the inputs', () => {
    const error = new ApiError(400, 'Bad Request', 'Invalid request: department', [{ field: 'department', problem: 'must be one of customer_service, engineering' }]);
    renderWith(<TriageForm view={view()} suggestion={suggestion} onSubmit={vi.fn()} apiError={error} />);
    const field = screen.getByLabelText(/责任部门/).closest('.field') as HTMLElement;
    expect(within(field).getByText('must be one of customer_service, engineering')).toBeTruthy();
  });

  it('the page shows the suggestion’s reasons and posts the triage', async () => {
    const v = view({ status: 'registered', actions: ['triage', 'refer', 'reply', 'escalate', 'correct'] });
    vi.spyOn(api, 'complaint').mockResolvedValueOnce(v).mockResolvedValue({ ...v, status: 'triaged', version: 2 });
    vi.spyOn(api, 'history').mockResolvedValue({ events: [{ seq: 1, type: 'ComplaintRegistered', at: v.receivedAt, actor: { id: 'u', role: 'duty_officer' }, data: {}, hash: 'a', prevHash: null }] });
    vi.spyOn(api, 'suggestion').mockResolvedValue(suggestion);
    const act = vi.spyOn(api, 'act').mockResolvedValue({});
    renderWith(<TriagePage id={v.id} />, { me: ME.duty, path: `/complaints/${v.id}/triage` });
    const reasons = await screen.findByTestId('suggestion-reasons');
    expect(within(reasons).getAllByRole('listitem')).toHaveLength(3);
    expect(within(reasons).getByText('紧急关键词')).toBeTruthy();
    fireEvent.click(await screen.findByTestId('triage-submit'));
    await waitFor(() => expect(act).toHaveBeenCalledWith(v.id, 'triage', expect.objectContaining({ nature: 'valid', department: 'engineering' })));
    await waitFor(() => expect(window.location.search).toBe('?done=triage'));
  });

  it('renders the reasons from their codes in the reader’s language: no English sentence on a Chinese screen', async () => {
    const v = view({ status: 'registered' });
    vi.spyOn(api, 'complaint').mockResolvedValue(v);
    vi.spyOn(api, 'history').mockResolvedValue({ events: [{ seq: 1, type: 'ComplaintRegistered', at: v.receivedAt, actor: { id: 'u', role: 'duty_officer' }, data: {}, hash: 'a', prevHash: null }] });
    vi.spyOn(api, 'suggestion').mockResolvedValue({
      ...suggestion,
      reasons: [...suggestion.reasons, 'nature_default: caused by our own service unless shown otherwise → nature valid', 'severity: urgency urgent → severity important'],
      explanations: [
        { code: 'urgent_keyword', params: { word: '电梯困人' } },
        { code: 'category_keyword', params: { words: ['电梯'], category: 'facilities' } },
        { code: 'department_map', params: { category: 'facilities', department: 'engineering' } },
        { code: 'nature_default', params: {} },
        { code: 'severity', params: { basis: 'urgency', urgency: 'urgent', severity: 'important' } },
      ],
    });
    const { unmount } = renderWith(<TriagePage id={v.id} />, { me: ME.duty, path: `/complaints/${v.id}/triage` });
    const reasons = await screen.findByTestId('suggestion-reasons');
    const text = reasons.textContent ?? '';
    expect(text).toContain('命中关键词“电梯困人” → 紧急程度：紧急');
    expect(text).toContain('视为我方服务原因 → 性质：有效投诉');
    expect(text).toContain('类别设施设备 → 责任部门：工程部');
    expect(text).not.toMatch(/matched|caused by|urgency|severity|[a-z]{4,}/);
    unmount();
    renderWith(<TriagePage id={v.id} />, { me: ME.duty, path: `/complaints/${v.id}/triage`, lang: 'en' });
    expect((await screen.findByTestId('suggestion-reasons')).textContent).toContain('matched “电梯困人” → urgency: Urgent');
  });

  it('when the view does not offer triage to this user (the server’s actions), the page says so and shows no form', async () => {
    const v = view({ status: 'registered', actions: ['reply', 'escalate'] });
    vi.spyOn(api, 'complaint').mockResolvedValue(v);
    vi.spyOn(api, 'history').mockResolvedValue({ events: [] });
    vi.spyOn(api, 'suggestion').mockResolvedValue(suggestion);
    renderWith(<TriagePage id={v.id} />, { me: ME.duty, path: `/complaints/${v.id}/triage` });
    await screen.findByText('当前状态下您没有可执行的操作。');
    expect(screen.queryByTestId('triage-submit')).toBeNull();
  });
});
