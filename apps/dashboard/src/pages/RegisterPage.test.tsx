import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '../api/client';
import { ME, renderWith } from '../test/render';
import { RegisterPage } from './RegisterPage';

const fieldOf = (input: HTMLElement) => input.closest('.field') as HTMLElement;
const type = (label: RegExp | string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('the registration form', () => {
  it('shows what is missing beside each input and sends nothing', async () => {
    const register = vi.spyOn(api, 'register');
    renderWith(<RegisterPage />, { me: ME.duty, path: '/register' });
    fireEvent.click(screen.getByTestId('register-submit'));
    expect(within(fieldOf(screen.getByLabelText(/标题/))).getByRole('alert').textContent).toBe('此项必填');
    expect(within(fieldOf(screen.getByLabelText(/事情经过/))).getByRole('alert').textContent).toBe('此项必填');
    expect(within(fieldOf(screen.getByLabelText(/联系电话/))).getByRole('alert').textContent).toBe('非匿名投诉需留联系电话');
    expect(register).not.toHaveBeenCalled();
  });

  it('an anonymous complaint needs no phone; editing a field clears its message', async () => {
    renderWith(<RegisterPage />, { me: ME.duty });
    fireEvent.click(screen.getByTestId('register-submit'));
    expect(screen.getAllByRole('alert')).toHaveLength(3);
    fireEvent.click(screen.getByTestId('reg-anonymous'));
    type(/标题/, '小区门口有积水');
    expect(screen.getAllByRole('alert')).toHaveLength(1); // only the description left
  });

  it('registers with an Idempotency-Key and the body of docs/api.md', async () => {
    const register = vi.spyOn(api, 'register').mockResolvedValue({ id: '11111111-1111-4111-8111-111111111111', number: 'SITEA-261123-001', status: 'registered' });
    const done = vi.fn();
    renderWith(<RegisterPage onRegistered={done} />, { me: ME.duty });
    fireEvent.change(screen.getByLabelText(/投诉方式/), { target: { value: 'wechat' } });
    type(/标题/, '电梯困人');
    type(/事情经过/, '3号楼电梯停在8楼与9楼之间');
    type(/投诉人姓名/, '张女士');
    type(/联系电话/, '13800138000');
    type(/涉及户数/, '12');
    fireEvent.click(screen.getByTestId('register-submit'));
    await waitFor(() => expect(done).toHaveBeenCalledWith(expect.objectContaining({ number: 'SITEA-261123-001' })));
    const [body, key] = register.mock.calls[0];
    expect(body).toMatchObject({ siteId: 'site-a', channel: 'wechat', title: '电梯困人', householdCount: 12, complainant: { name: '张女士', phone: '13800138000', anonymous: false } });
    expect(key).toMatch(/\S{8,}/);
  });

  it('shows the API’s message and its named fields beside the inputs', async () => {
    vi.spyOn(api, 'register').mockRejectedValue(
      new ApiError(400, 'Bad Request', 'Invalid request: complainant.phone', [{ field: 'complainant.phone', problem: 'phone must be 3–30 digits, spaces or + - ( )' }, { field: 'siteId', problem: 'unknown site' }]),
    );
    renderWith(<RegisterPage />, { me: ME.duty });
    type(/标题/, '电梯困人');
    type(/事情经过/, '停运');
    type(/联系电话/, '13800138000');
    fireEvent.click(screen.getByTestId('register-submit'));
    await screen.findByText('phone must be 3–30 digits, spaces or + - ( )');
    expect(within(fieldOf(screen.getByLabelText(/联系电话/))).getByText('phone must be 3–30 digits, spaces or + - ( )')).toBeTruthy();
    expect(within(fieldOf(screen.getByLabelText(/^项目/))).getByText('unknown site')).toBeTruthy();
    expect(screen.getByTestId('server-message').textContent).toBe('Invalid request: complainant.phone');
    expect(screen.getByText(/提交的内容有误/)).toBeTruthy();
  });

  it('in English', () => {
    renderWith(<RegisterPage />, { me: ME.duty, lang: 'en' });
    fireEvent.click(screen.getByTestId('register-submit'));
    expect(screen.getByRole('heading', { name: 'Register a complaint' })).toBeTruthy();
    expect(screen.getByText('A named complainant must leave a phone number')).toBeTruthy();
  });
});
