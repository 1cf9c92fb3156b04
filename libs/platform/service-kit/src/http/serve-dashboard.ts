import { Logger, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where the dashboard is built: DASHBOARD_DIR, else dist/dashboard of this workspace. */
export const dashboardDir = (): string => resolve(process.env.DASHBOARD_DIR ?? resolve(__dirname, '../../../../../dashboard'));

/**
 * Serves the dashboard (apps/dashboard, built into dist/dashboard) at `/`, answering
 * `index.html` for every other path outside `/api`, so the web app's own routes work on
 * reload. Used by the embedded launcher and by reporting in the distributed topology
 * (the reverse proxy sends `/` there).
 */
export const serveDashboard = (app: INestApplication, logger: Logger, port: number): boolean => {
  const dir = dashboardDir();
  if (!existsSync(resolve(dir, 'index.html'))) {
    logger.warn(`dashboard not built: no ${dir}/index.html (npm start / npm run build builds it)`);
    return false;
  }
  const http = app as NestExpressApplication;
  http.useStaticAssets(dir, {
    index: false,
    setHeaders: (res, file) => res.setHeader('Cache-Control', file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  http.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || /^\/(api|assets)(\/|$)/.test(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(resolve(dir, 'index.html'));
  });
  logger.log(`dashboard: http://localhost:${port}/ (from ${dir})`);
  return true;
};
