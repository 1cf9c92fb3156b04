import { describe, expect, it } from 'vitest';
import { ApiError, pollUntil } from './client';

describe('pollUntil (waiting for the read side after a write)', () => {
  it('resolves with the first value that is done, passing over 404s while the view does not exist yet', async () => {
    let reads = 0;
    const result = await pollUntil(
      async () => {
        reads++;
        if (reads === 1) throw new ApiError(404, 'Not Found', 'no such complaint yet');
        return reads;
      },
      (n) => n >= 3,
      1_000,
      1,
    );
    expect(result).toEqual({ value: 3, settled: true });
  });

  it('stops without reading once the page that waits is gone (no request after it closed)', async () => {
    let reads = 0;
    let open = true;
    const result = await pollUntil(
      async () => {
        reads++;
        if (reads === 2) open = false;
        return reads;
      },
      () => false,
      1_000,
      1,
      () => !open,
    );
    expect(result).toEqual({ value: 2, settled: false });
    expect(reads).toBe(2);
  });
});
