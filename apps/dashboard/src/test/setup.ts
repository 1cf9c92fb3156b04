import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// ECharts needs a real layout engine; component tests check the pages around the charts.
vi.mock('../components/Chart', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../components/Chart')>();
  const { createElement } = await import('react');
  return { ...actual, Chart: ({ label }: { label: string }) => createElement('div', { 'data-testid': 'chart', role: 'img', 'aria-label': label }) };
});

afterEach(() => {
  cleanup();
  localStorage.clear();
});

// jsdom has no scrolling.
window.scrollTo = (() => undefined) as typeof window.scrollTo;
