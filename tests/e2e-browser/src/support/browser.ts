import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { workspaceRoot } from '@complaints/testing';

/** Debian's chromium (`.ci/run` installs it); Playwright's own download cannot work on this machine. */
export const CHROMIUM = '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Where the browser tier writes the screenshots the docs show. */
export const SHOTS = join(workspaceRoot, 'docs', 'screenshots');
/** A Chinese desk in Shanghai on a laptop screen: every session of the browser tier. */
export const ZH_CONTEXT = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' } as const;

/**
 * The whole page with fonts and charts settled: the viewport grows to the page's height for the
 * picture (a full-page capture would leave sticky bars mid-page), then goes back.
 */
export const fullPageShot = async (page: Page, name: string): Promise<void> => {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.evaluate('document.fonts ? document.fonts.ready.then(() => true) : true');
  await page.waitForTimeout(300);
  const viewport = page.viewportSize() ?? ZH_CONTEXT.viewport;
  const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.min(height, 6000)) });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  await page.setViewportSize(viewport);
};
