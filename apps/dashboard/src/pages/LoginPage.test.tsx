import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '../api/client';
import { App } from '../App';
import { I18nProvider } from '../i18n/i18n';
import { RouterProvider } from '../router';
import { SessionProvider } from '../session';
import { page } from '../test/render';

const app = () =>
  render(
    <I18nProvider>
      <RouterProvider initialPath="/">
        <SessionProvider>
          <App />
        </SessionProvider>
      </RouterProvider>
    </I18nProvider>,
  );

describe('sign-in', () => {
  it('asks for both fields before calling the API', async () => {
    const login = vi.spyOn(api, 'login');
    app();
    fireEvent.click(await screen.findByTestId('login-submit'));
    expect(screen.getAllByText('此项必填')).toHaveLength(2);
    expect(login).not.toHaveBeenCalled();
  });

  it('says plainly when the password is wrong', async () => {
    vi.spyOn(api, 'login').mockRejectedValue(new ApiError(401, 'Unauthorized', 'Wrong username or password'));
    app();
    fireEvent.change(await screen.findByLabelText(/用户名/), { target: { value: 'duty.a' } });
    fireEvent.change(screen.getByLabelText(/密码/), { target: { value: 'nope' } });
    fireEvent.click(screen.getByTestId('login-submit'));
    expect(await screen.findByText('用户名或密码错误')).toBeTruthy();
    expect(screen.getByText(/Wrong username or password/)).toBeTruthy();
  });

  it('says it in Chinese only when the server names the refusal by its catalogue code', async () => {
    vi.spyOn(api, 'login').mockRejectedValue(new ApiError(401, 'Unauthorized', 'Wrong username or password', [], 'error.wrong_credentials'));
    app();
    fireEvent.change(await screen.findByLabelText(/用户名/), { target: { value: 'duty.a' } });
    fireEvent.change(screen.getByLabelText(/密码/), { target: { value: 'nope' } });
    fireEvent.click(screen.getByTestId('login-submit'));
    expect(await screen.findByText(/用户名或密码错误。/)).toBeTruthy();
    expect(screen.queryByText(/Wrong username or password/)).toBeNull();
  });

  it('signs in, keeps the token for every call, and opens the role’s work queue; English on request', async () => {
    vi.spyOn(api, 'login').mockResolvedValue({ accessToken: 'token-1', expiresIn: 3600 });
    vi.spyOn(api, 'me').mockResolvedValue({ id: 'u1', username: 'duty.a', name: '值班员甲', role: 'duty_officer', siteIds: ['site-a'], departments: [] });
    vi.spyOn(api, 'listComplaints').mockResolvedValue(page([]));
    app();
    fireEvent.change(await screen.findByLabelText(/用户名/), { target: { value: 'duty.a' } });
    fireEvent.change(screen.getByLabelText(/密码/), { target: { value: 'demo1234' } });
    fireEvent.click(screen.getByTestId('login-submit'));
    await screen.findByText('待判别的新投诉');
    expect(api.token).toBe('token-1');
    expect(JSON.parse(localStorage.getItem('dashboard.session') as string).token).toBe('token-1');
    fireEvent.click(screen.getByTestId('lang-switch'));
    await waitFor(() => expect(screen.getByText('New complaints to triage')).toBeTruthy());
    expect(document.documentElement.lang).toBe('en');
    fireEvent.click(screen.getByTestId('sign-out'));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(localStorage.getItem('dashboard.session')).toBeNull();
  });

  it('a 401 while working opens a sign-in dialog over the page, which keeps what was typed', async () => {
    localStorage.setItem('dashboard.session', JSON.stringify({ token: 'old', expiresAt: Date.now() + 60_000 }));
    const me = { id: 'u1', username: 'duty.a', name: '值班员甲', role: 'duty_officer', siteIds: ['site-a'], departments: [] };
    vi.spyOn(api, 'me').mockResolvedValue(me);
    vi.spyOn(api, 'listComplaints').mockResolvedValue(page([]));
    app();
    fireEvent.click(await screen.findByTestId('nav-register'));
    fireEvent.change(await screen.findByLabelText(/标题/), { target: { value: '半填的登记表' } });
    // The token ran out: the next call answers 401.
    vi.spyOn(globalThis, 'fetch').mockResolvedValueOnce(new Response(JSON.stringify({ statusCode: 401, error: 'Unauthorized', message: 'Token expired' }), { status: 401 }));
    fireEvent.change(screen.getByLabelText(/事情经过/), { target: { value: '内容' } });
    fireEvent.change(screen.getByLabelText(/联系电话/), { target: { value: '13800138000' } });
    fireEvent.click(screen.getByTestId('register-submit'));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('登录已失效，请重新登录。')).toBeTruthy();
    expect((within(dialog).getByLabelText(/用户名/) as HTMLInputElement).value).toBe('duty.a');
    vi.spyOn(api, 'login').mockResolvedValue({ accessToken: 'token-2', expiresIn: 1800 });
    fireEvent.change(within(dialog).getByLabelText(/密码/), { target: { value: 'demo1234' } });
    fireEvent.click(within(dialog).getByTestId('login-submit'));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect((screen.getByLabelText(/标题/) as HTMLInputElement).value).toBe('半填的登记表');
    expect(api.token).toBe('token-2');
  });
});
