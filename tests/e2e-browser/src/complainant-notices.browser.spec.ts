import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ARGS, CHROMIUM, SHOTS, ZH_CONTEXT, fullPageShot } from './support/browser';
import { createTestDatabase, eventually, greenMail, greenMailSkipReason, readMailbox, startServiceProcess, workspaceRoot, type ServiceProcess, type TestDatabase } from '@complaints/testing';

/**
 * Complainant notices in the dashboard (Chromium, embedded default): e-mail goes to the real
 * SMTP server the test runner started (GreenMail), SMS to a gateway that refuses every
 * connection, so the SMS fails (one attempt here) and lands on the failed-notice queue.
 * Screenshots: the complaint page's notice list, and the failed-notice queue in zh-CN and English.
 */
const DASHBOARD = join(workspaceRoot, 'dist', 'dashboard', 'index.html');
const mail = greenMail();
/** The mail server (only called in tests that run when it exists). */
const gm = () => {
  if (!mail) throw new Error('no GreenMail');
  return mail;
};

const missing = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium)`
  : !existsSync(DASHBOARD)
    ? `${DASHBOARD} is absent (npm test / npm start build it)`
    : !mail
      ? greenMailSkipReason()
      : undefined;
if (missing) console.warn(`\n*** e2e-browser complainant notices: SKIPPED — ${missing} ***\n`);

/** A port where a TCP server accepts and at once closes every connection: the SMS gateway is down. */
const refusingGateway = async (): Promise<{ server: Server; url: string }> => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}/send` };
};

(missing ? describe.skip : describe)('complainant notices in the dashboard (Chromium, embedded default, real SMTP server)', () => {
  let db: TestDatabase;
  let server: ServiceProcess;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let gateway: { server: Server; url: string };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    gateway = await refusingGateway();
    db = await createTestDatabase('e2e_notices');
    dataDir = mkdtempSync(join(tmpdir(), 'notices-e2e-'));
    server = await startServiceProcess(
      'server',
      {
        DATABASE_URL: db.url,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        SCHEDULER_INTERVAL_MS: '500',
        NOTICE_SMTP_HOST: gm().smtpHost,
        NOTICE_SMTP_PORT: String(gm().smtpPort),
        NOTICE_SMTP_FROM: 'kefu@yangguang.example',
        NOTICE_SMS_GATEWAY_URL: gateway.url,
        NOTICE_MAX_ATTEMPTS: '1',
      },
      { healthTimeoutMs: 120_000 },
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    const context = await browser.newContext({ ...ZH_CONTEXT });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  }, 240_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await db?.drop().catch(() => undefined);
    await new Promise<void>((resolve) => (gateway ? gateway.server.close(() => resolve()) : resolve()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const shot = (name: string) => fullPageShot(page, name);

  const signIn = async (username: string) => {
    await page.goto(`${server.url}/login`);
    await page.locator('#login-username').fill(username);
    await page.locator('#login-password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('current-user').waitFor();
  };

  it('shows the notices sent to the complainant on the complaint page, and the failed SMS on the assistants’ queue', async () => {
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'assistant.a', password: 'demo1234' }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const email = `browser-${Date.now()}@residents.example`;
    const res = await fetch(`${server.url}/api/complaints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        siteId: 'site-a',
        channel: 'letter',
        complainant: { name: '周先生', phone: '13800137777', email, building: '2', unit: '0602' },
        title: '单元门禁损坏',
        description: '2号楼单元门禁刷卡无反应已三天',
      }),
    });
    expect(res.status).toBe(201);
    const { id, number } = (await res.json()) as { id: string; number: string };
    await eventually(async () => ((await readMailbox(gm().apiUrl, email)).length > 0 ? true : undefined), 'the received e-mail', 60_000);

    await signIn('assistant.a');
    await page.goto(`${server.url}/complaints/${id}`);
    await page.getByTestId('complaint-detail').waitFor();
    await page.locator('[data-testid="notice-row"][data-channel="sms"][data-status="failed"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="notice-row"][data-channel="email"][data-status="sent"]').waitFor();
    await page.locator('[data-testid="notice-row"][data-channel="letter"][data-status="ready"]').waitFor();
    expect(await page.getByTestId('complainant-notices').textContent()).not.toContain(email);
    await page.getByTestId('complainant-notices').scrollIntoViewIfNeeded();
    await shot('30-complaint-notices');

    await page.goto(`${server.url}/notices`);
    const row = page.getByTestId('notice-queue-row').filter({ hasText: number });
    await row.waitFor();
    expect(await row.textContent()).toContain('短信');
    await shot('31-failed-notice-queue');
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { level: 1, name: 'Failed notices' }).waitFor();
    await shot('31b-failed-notice-queue-en');
  }, 180_000);
});
