/**
 * A one-line progress bar on stderr: redrawn in place on a terminal, a line per 10 % (or per
 * 10 000 events when the total is unknown) otherwise.
 */
export const progressBar = (label: string, stream: NodeJS.WriteStream = process.stderr) => {
  const width = 30;
  let lastStep = -1;
  return {
    /** `fraction`: how far through the store (position ÷ head), when the store can tell. */
    update(events: number, fraction: number | undefined, elapsedMs: number): void {
      const rate = elapsedMs > 0 ? Math.round((events / elapsedMs) * 1000) : 0;
      const f = fraction === undefined ? undefined : Math.max(0, Math.min(1, fraction));
      const bar = f === undefined ? '' : `[${'#'.repeat(Math.round(f * width)).padEnd(width, '-')}] ${(f * 100).toFixed(0).padStart(3)}% `;
      const line = `${label} ${bar}${events.toLocaleString('en-US')} events  ${rate.toLocaleString('en-US')} events/s`;
      if (stream.isTTY) stream.write(`\r${line}\u001b[K`);
      else {
        const step = f === undefined ? Math.floor(events / 10_000) : Math.floor(f * 10);
        if (step !== lastStep) stream.write(`${line}\n`);
        lastStep = step;
      }
    },
    done(): void {
      if (stream.isTTY) stream.write('\n');
    },
  };
};
