import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { recordsApi, type MonthlyPackRecord, type YearSeal } from '../api/records';
import { ME, renderWith } from '../test/render';
import { RecordsPage } from './RecordsPage';

const PDF = 'a'.repeat(64);
const pack = (overrides: Partial<MonthlyPackRecord> = {}): MonthlyPackRecord => ({
  siteId: 'site-a',
  month: '2026-11',
  status: 'awaiting_sign_off',
  dueBy: '2026-12-03',
  files: [
    { format: 'pdf', sha256: PDF, bytes: 20480 },
    { format: 'json', sha256: 'b'.repeat(64), bytes: 4096 },
  ],
  generatedAt: '2026-11-30T16:00:05.000Z',
  generatedBy: 'Records scheduler',
  signedOffAt: null,
  signedOffBy: null,
  signedSha256: null,
  late: null,
  chases: 2,
  lastChasedOn: '2026-12-05',
  overdue: true,
  ...overrides,
});
const seal: YearSeal = {
  siteId: 'site-a',
  year: 2025,
  editions: [{ edition: 1, rootHash: 'c'.repeat(64), rootMac: 'd'.repeat(64), archiveSha256: 'e'.repeat(64), bytes: 30720, complaints: 2, at: '2026-01-01T01:00:00.000Z', by: { id: 'system:records-scheduler' } }],
  complaints: 2,
  purged: 0,
  lastSealedAt: '2026-01-01T01:00:00.000Z',
};

describe('the records desk', () => {
  it('shows an overdue pack with its hashes and chases, and signs it off naming the PDF’s SHA-256', async () => {
    const packs = vi.spyOn(recordsApi, 'packs').mockResolvedValueOnce({ items: [pack()] }).mockResolvedValue({ items: [pack({ status: 'signed_off', overdue: false, signedOffAt: '2026-12-05T02:00:00.000Z', signedOffBy: '客服经理', late: true, signedSha256: PDF })] });
    vi.spyOn(recordsApi, 'seals').mockResolvedValue({ items: [] });
    const signOff = vi.spyOn(recordsApi, 'signOff').mockResolvedValue(pack({ status: 'signed_off' }));
    renderWith(<RecordsPage />, { me: ME.csmanager });
    const row = await screen.findByTestId('pack-2026-11');
    expect(within(row).getByText('逾期未签收')).toBeTruthy();
    expect(within(row).getByText('2 次（最近 2026-12-05）')).toBeTruthy();
    expect(within(row).getByText(`${PDF.slice(0, 12)}…`)).toBeTruthy();
    expect(packs).toHaveBeenCalledWith('site-a', expect.anything());
    fireEvent.click(within(row).getByTestId('sign-2026-11'));
    await screen.findByText('已签收 2026-11 月度报告');
    expect(signOff).toHaveBeenCalledWith('site-a', '2026-11', PDF);
    await waitFor(() => expect(within(screen.getByTestId('pack-2026-11')).getByText('逾期签收')).toBeTruthy());
  });

  it('seals a year on demand and lists each record’s retention and earliest purge date (English)', async () => {
    vi.spyOn(recordsApi, 'packs').mockResolvedValue({ items: [] });
    vi.spyOn(recordsApi, 'seals').mockResolvedValueOnce({ items: [] }).mockResolvedValue({ items: [seal] });
    const sealYear = vi.spyOn(recordsApi, 'sealYear').mockResolvedValue({ sealed: true, edition: 1 });
    vi.spyOn(recordsApi, 'seal').mockResolvedValue({
      ...seal,
      records: [
        { complaintId: 'c1', number: 'SITEA-250301-001', major: false, retainUntil: '2026-12-31', earliestPurgeDate: '2027-01-01', purgedAt: null },
        { complaintId: 'c2', number: 'SITEA-250302-001', major: true, retainUntil: '2028-12-31', earliestPurgeDate: '2029-01-01', purgedAt: null },
      ],
    });
    renderWith(<RecordsPage />, { me: ME.csmanager, lang: 'en' });
    await screen.findByText('No year has been sealed yet.');
    fireEvent.change(screen.getByTestId('records-seal-year'), { target: { value: '2025' } });
    fireEvent.click(screen.getByTestId('records-seal'));
    await screen.findByText('2025 sealed (edition 1)');
    expect(sealYear).toHaveBeenCalledWith('site-a', 2025);
    fireEvent.click(await screen.findByTestId('seal-open-2025'));
    const records = await screen.findByTestId('seal-records-2025');
    expect(within(records).getByText('Earliest purge date')).toBeTruthy();
    expect(within(within(records).getByText('SITEA-250302-001').closest('tr') as HTMLElement).getByText('2029-01-01')).toBeTruthy();
  });

  it('offers no sign-off or seal buttons to an auditor, and shows the refusal of the server', async () => {
    vi.spyOn(recordsApi, 'packs').mockResolvedValue({ items: [pack()] });
    vi.spyOn(recordsApi, 'seals').mockRejectedValue(new ApiError(403, 'Forbidden', 'Site site-x is outside your sites'));
    renderWith(<RecordsPage />, { me: ME.auditor });
    await screen.findByTestId('pack-2026-11');
    expect(screen.queryByTestId('sign-2026-11')).toBeNull();
    expect(screen.queryByTestId('records-seal')).toBeNull();
    expect(screen.queryByTestId('records-generate')).toBeNull();
    expect((await screen.findByRole('alert')).textContent).toContain('Site site-x is outside your sites');
  });

  it('shows no pack section to department staff', async () => {
    const packs = vi.spyOn(recordsApi, 'packs').mockResolvedValue({ items: [] });
    renderWith(<RecordsPage />, { me: ME.enghead });
    await screen.findByTestId('records-page');
    expect(screen.queryByTestId('records-packs')).toBeNull();
    expect(packs).not.toHaveBeenCalled();
  });
});
