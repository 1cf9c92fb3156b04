/// <reference types="vitest" />
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The dashboard: React 19 through Vite's own esbuild JSX transform (no React plugin),
 * built into dist/dashboard/ and served by the embedded default at http://localhost:3000/.
 * `vite` alone serves it on :5173 and proxies /api to the embedded default on :3000.
 */
export default defineConfig({
  root: here,
  base: '/',
  esbuild: { jsx: 'automatic' },
  // The message catalogue shared with the server (codes → zh-CN/English): plain TypeScript, no dependencies.
  resolve: { alias: { '@complaints/contracts/i18n': resolve(here, '../../libs/contracts/src/i18n/index.ts') } },
  build: {
    outDir: resolve(here, '../../dist/dashboard'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    assetsInlineLimit: 4096,
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
  test: {
    root: here,
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
});
