import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ARGS, CHROMIUM, SHOTS, ZH_CONTEXT, fullPageShot } from './support/browser';
import { createTestDatabase, startServiceProcess, workspaceRoot, type ServiceProcess, type TestDatabase } from '@complaints/testing';

/**
 * The records desk in a real Chromium against the embedded default: a CS centre manager puts
 * a closed lift complaint into the case library and approves the month's public notice (公示);
 * the CS supervisor records a finding on the previous week's check. Screenshots of each page
 * (zh-CN, and the notice in English) go to docs/screenshots/3x-*.png.
 */
const DASHBOARD = join(workspaceRoot, 'dist', 'dashboard', 'index.html');

const missing = !existsSync(CHROMIUM) ? `${CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium)` : !existsSync(DASHBOARD) ? `${DASHBOARD} is absent (npm test / npm start build it)` : undefined;
if (missing) console.warn(`\n*** e2e-browser (records desk): SKIPPED — ${missing} ***\n`);
const describeInBrowser = missing ? describe.skip : describe;

const two = (n: number) => String(n).padStart(2, '0');
/** A Shanghai wall-clock time as an ISO instant. */
const cst = (y: number, m: number, d: number, h = 10) => new Date(`${y}-${two(m)}-${two(d)}T${two(h)}:00:00+08:00`).toISOString();

describeInBrowser('the records desk in Chromium (embedded default)', () => {
  let db: TestDatabase;
  let server: ServiceProcess;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    db = await createTestDatabase('e2e_browser_desk');
    dataDir = mkdtempSync(join(tmpdir(), 'desk-e2e-'));
    server = await startServiceProcess('server', { DATABASE_URL: db.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, { healthTimeoutMs: 120_000 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    const context = await browser.newContext({ ...ZH_CONTEXT, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  }, 240_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await db?.drop().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const shot = (name: string) => fullPageShot(page, name);

  const signIn = async (username: string) => {
    await page.goto(`${server.url}/`);
    await page.locator('#login-username, [data-testid="sign-out"]').first().waitFor();
    const signOut = page.getByTestId('sign-out');
    if (await signOut.isVisible()) await signOut.click();
    await page.locator('#login-username').fill(username);
    await page.locator('#login-password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('current-user').waitFor();
  };

  const apiAs = async (username: string) => {
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo1234' }) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    return async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${server.url}/api${path}`, { method, headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text}`);
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    };
  };

  it('marks a typical case, approves the month’s notice and records a weekly-check finding', async () => {
    const now = new Date();
    const local = new Date(now.getTime() + 8 * 3600_000); // Shanghai wall clock
    // The last day of the previous month (at most 31 days back: registration accepts 30, so the 31st falls back a day).
    const lastOfPrev = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 0));
    const liftReceived = cst(lastOfPrev.getUTCFullYear(), lastOfPrev.getUTCMonth() + 1, Math.min(lastOfPrev.getUTCDate(), local.getUTCDate() >= 30 ? 30 : 31));
    const month = `${lastOfPrev.getUTCFullYear()}-${two(lastOfPrev.getUTCMonth() + 1)}`;
    // Wednesday of the previous ISO week.
    const weekday = (local.getUTCDay() + 6) % 7;
    const wed = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - weekday - 5));
    const openReceived = cst(wed.getUTCFullYear(), wed.getUTCMonth() + 1, wed.getUTCDate());

    const duty = await apiAs('duty.a');
    const assistant = await apiAs('assistant.a');
    const manager = await apiAs('csmanager.a');
    const lift = (await duty('POST', '/complaints', {
      siteId: 'site-a',
      channel: 'phone',
      receivedAt: liftReceived,
      location: '3号楼电梯',
      complainant: { name: '王先生', phone: '13912345678', building: '3', unit: '1201' },
      title: '王先生反映3号楼电梯异响',
      description: '电梯运行时有明显异响，担心安全',
    })) as { id: string; number: string };
    await duty('POST', `/complaints/${lift.id}/triage`, { nature: 'valid', severity: 'minor', urgency: 'urgent', category: 'facilities', department: 'engineering' });
    await assistant('POST', `/complaints/${lift.id}/replies`, { kind: 'first', message: '已安排电梯维保单位当天检查' });
    await manager('POST', `/complaints/${lift.id}/resolve`, { resolution: '已更换曳引机轴承，异响消除', rootCause: '轴承磨损', responsibleDepartment: 'engineering', correctiveActions: '更换轴承', preventiveActions: '维保计划增加轴承检查' });
    await assistant('POST', `/complaints/${lift.id}/callbacks`, { method: 'phone', reached: true, satisfaction: 2 });
    const open = (await duty('POST', '/complaints', {
      siteId: 'site-a',
      channel: 'visit',
      receivedAt: openReceived,
      location: '中心花园',
      complainant: { name: '李女士', phone: '13800001111', building: '5', unit: '502' },
      title: '中心花园路灯不亮',
      description: '中心花园两盏路灯坏了一周',
    })) as { id: string };
    await duty('POST', `/complaints/${open.id}/triage`, { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'facilities', department: 'engineering' });
    for (let i = 0; i < 150; i++) {
      if ((await manager('GET', `/complaints/${lift.id}`).catch((): Record<string, unknown> => ({}))).status === 'closed') break;
      await new Promise((r) => setTimeout(r, 200));
    }

    // 1. The CS centre manager puts the closed complaint into the case library.
    await signIn('csmanager.a');
    await page.goto(`${server.url}/case-library?complaintId=${lift.id}`);
    await page.getByTestId('case-mark').waitFor();
    await page.locator('#case-summary').fill('3号楼电梯运行异响，住户担心安全');
    await page.locator('#case-cause').fill('曳引机轴承磨损，维保巡检未覆盖');
    await page.locator('#case-lessons').fill('维保计划增加轴承检查；异响类投诉当天安排维保单位到场');
    await page.getByRole('button', { name: '列为典型案例' }).click();
    await page.getByTestId('case-item').first().waitFor();
    expect(await page.getByTestId('case-results').textContent()).toContain('曳引机轴承磨损');
    await shot('31-case-library');

    // 2. The month's public notice: a draft, approved by the CS centre manager.
    await page.goto(`${server.url}/disclosure`);
    await page.locator('#disclosure-month').fill(month);
    await page.getByTestId('disclosure-row').first().waitFor();
    const draft = (await page.getByTestId('disclosure-notice').textContent()) ?? '';
    expect(draft).toContain('＊＊反映3号楼电梯异响');
    expect(draft).not.toMatch(/王先生|13912345678|1201/);
    expect(await page.getByTestId('disclosure-notice').getAttribute('data-status')).toBe('draft');
    await shot('32-public-notice-draft');
    await page.getByTestId('disclosure-approve').click();
    await page.locator('[data-testid="disclosure-notice"][data-status="published"]').waitFor();
    await shot('33-public-notice-approved');
    await page.getByTestId('lang-switch').click();
    await page.getByText('Approved: may be posted').waitFor();
    await shot('33b-public-notice-approved-en');
    await page.getByTestId('lang-switch').click();

    // 3. The CS supervisor's check of the previous week: the open garden complaint is on it.
    await signIn('supervisor.a');
    await page.goto(`${server.url}/weekly-check`);
    await page.locator('[data-testid="agenda-row"]').first().waitFor();
    const row = page.locator('[data-testid="agenda-row"]', { hasText: '中心花园路灯不亮' });
    const number = await row.getAttribute('data-number');
    await page.getByTestId(`finding-outcome-${number}`).selectOption('issue');
    await page.getByTestId(`finding-note-${number}`).fill('超过三天未安排维修，请工程部跟进');
    await page.getByTestId(`finding-save-${number}`).click();
    await row.getByText('有问题：超过三天未安排维修，请工程部跟进').waitFor();
    await shot('34-weekly-check');
    expect(consoleErrors).toEqual([]);
  }, 240_000);
});
