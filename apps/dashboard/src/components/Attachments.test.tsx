import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '../api/client';
import type { Attachment, AttachmentList } from '../api/types';
import { ME, renderWith, view } from '../test/render';
import { ResolveForm } from './ActionForms';
import { RegisterPage } from '../pages/RegisterPage';
import { AttachmentsPanel, checkFile } from './Attachments';
import { Timeline } from './Timeline';

const ID = '00000000-0000-4000-8000-00000000a001';
const LIMITS = { maxBytes: 10 * 1024 * 1024, maxPerComplaint: 30, mediaTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'] };

const item = (overrides: Partial<Attachment>): Attachment => ({
  sha256: 'a'.repeat(64),
  size: 48_213,
  mediaType: 'image/jpeg',
  fileName: '漏水照片.jpg',
  stage: 'registration',
  personal: false,
  at: '2026-11-23T08:05:00.000Z',
  actor: { id: 'u-assistant', role: 'cs_assistant', name: '客户助理甲' },
  available: true,
  ...overrides,
});

const LIST: AttachmentList = {
  items: [
    item({}),
    item({ sha256: 'b'.repeat(64), mediaType: 'application/pdf', fileName: '维修单.pdf', stage: 'handling', size: 2048 }),
    item({ sha256: 'c'.repeat(64), fileName: '[personal]', personal: true, available: false, unavailableReason: 'personal' }),
  ],
  stages: ['handling', 'resolution'],
  limits: LIMITS,
};

const png = (name = '完工照片.png') => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], name, { type: 'image/png' });

beforeEach(() => {
  vi.restoreAllMocks();
  // jsdom has no object URLs.
  URL.createObjectURL = vi.fn(() => 'blob:thumb');
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(api, 'attachmentBlob').mockResolvedValue(new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' }));
});

describe('the attachments of a complaint', () => {
  it('shows images as small thumbnails, documents by name, and a personal one the role may not open as such (zh-CN)', async () => {
    vi.spyOn(api, 'attachments').mockResolvedValue(LIST);
    renderWith(<AttachmentsPanel complaintId={ID} />, { me: ME.handler });
    const list = await screen.findByTestId('attachment-list');
    const items = within(list).getAllByTestId('attachment');
    expect(items).toHaveLength(3);
    const thumb = await within(items[0]).findByTestId('attachment-thumb');
    expect(thumb.getAttribute('src')).toBe('blob:thumb');
    expect(thumb.getAttribute('alt')).toBe('漏水照片.jpg');
    expect(thumb.getAttribute('width')).toBe('96');
    expect(api.attachmentBlob).toHaveBeenCalledWith(ID, 'a'.repeat(64), expect.anything());
    expect(items[0].textContent).toContain('登记时（投诉人提供）');
    expect(within(items[1]).getByRole('button', { name: '维修单.pdf' })).toBeTruthy();
    expect(within(items[1]).queryByTestId('attachment-thumb')).toBeNull();
    expect(items[2].textContent).toContain('含个人信息，您的角色不可查看');
    // Only what may be opened is fetched.
    expect(api.attachmentBlob).not.toHaveBeenCalledWith(ID, 'c'.repeat(64), expect.anything());
  });

  it('speaks English when asked', async () => {
    vi.spyOn(api, 'attachments').mockResolvedValue(LIST);
    renderWith(<AttachmentsPanel complaintId={ID} />, { me: ME.handler, lang: 'en' });
    const list = await screen.findByTestId('attachment-list');
    expect(list.textContent).toContain('Registration (from the complainant)');
    expect(list.textContent).toContain('Holds personal data your role may not see');
    expect(screen.getByTestId('attach-submit').textContent).toBe('Upload');
  });

  it('offers only the stages the server lists, and no upload at all when it lists none', async () => {
    vi.spyOn(api, 'attachments').mockResolvedValueOnce(LIST);
    renderWith(<AttachmentsPanel complaintId={ID} />, { me: ME.handler });
    const stage = (await screen.findByTestId('attach-stage')) as HTMLSelectElement;
    expect(Array.from(stage.options).map((o) => o.value)).toEqual(['handling', 'resolution']);

    vi.spyOn(api, 'attachments').mockResolvedValueOnce({ ...LIST, stages: [] });
    renderWith(<AttachmentsPanel complaintId={`${ID.slice(0, -1)}2`} />, { me: ME.auditor });
    await waitFor(() => expect(screen.getAllByTestId('attachments-panel')).toHaveLength(2));
    expect(screen.getAllByTestId('attach-submit')).toHaveLength(1);
  });

  it('checks the file before sending: none chosen, a type not accepted, too large', () => {
    expect(checkFile(undefined, LIMITS)).toEqual({ key: 'attach.problem.noFile' });
    expect(checkFile(new File(['<html>'], 'x.html', { type: 'text/html' }), LIMITS)).toEqual({ key: 'attach.problem.type', vars: { types: 'jpeg, png, gif, webp, pdf' } });
    const big = new File([new Uint8Array(11)], 'big.jpg', { type: 'image/jpeg' });
    expect(checkFile(big, { maxBytes: 10, mediaTypes: ['image/jpeg'] })).toEqual({ key: 'attach.problem.tooLarge', vars: { max: '10 B' } });
    expect(checkFile(png(), LIMITS)).toBeUndefined();
  });

  it('uploads the chosen photo at the chosen stage, then lists it again', async () => {
    const listSpy = vi.spyOn(api, 'attachments').mockResolvedValue(LIST);
    const upload = vi.spyOn(api, 'uploadAttachment').mockResolvedValue({ ...item({ stage: 'resolution' }), complaintId: ID, duplicate: false });
    renderWith(<AttachmentsPanel complaintId={ID} />, { me: ME.handler });
    fireEvent.click(await screen.findByTestId('attach-submit'));
    expect(await screen.findByText('请选择要上传的文件')).toBeTruthy();
    expect(upload).not.toHaveBeenCalled();

    const file = png();
    fireEvent.change(screen.getByTestId('attach-file'), { target: { files: [file] } });
    fireEvent.change(screen.getByTestId('attach-stage'), { target: { value: 'resolution' } });
    fireEvent.click(screen.getByTestId('attach-personal'));
    fireEvent.click(screen.getByTestId('attach-submit'));
    await waitFor(() => expect(upload).toHaveBeenCalledWith(ID, file, { stage: 'resolution', personal: true }));
    expect((await screen.findByTestId('attach-done')).textContent).toBe('已上传');
    await waitFor(() => expect(listSpy).toHaveBeenCalledTimes(2));
  });

  it('shows the server’s refusal beside the file (the bytes are not what the type says)', async () => {
    vi.spyOn(api, 'attachments').mockResolvedValue(LIST);
    vi.spyOn(api, 'uploadAttachment').mockRejectedValue(
      new ApiError(422, 'Unprocessable Entity', 'mediaType: the content is image/png, not image/jpeg', [{ field: 'mediaType', problem: 'the content is image/png, not image/jpeg' }]),
    );
    renderWith(<AttachmentsPanel complaintId={ID} />, { me: ME.handler });
    fireEvent.change(await screen.findByTestId('attach-file'), { target: { files: [new File([new Uint8Array([1])], 'x.jpg', { type: 'image/jpeg' })] } });
    fireEvent.click(screen.getByTestId('attach-submit'));
    const field = (await screen.findByText('the content is image/png, not image/jpeg')).closest('.field');
    expect(field?.querySelector('#attach-file')).not.toBeNull();
  });
});

describe('photos with the registration', () => {
  it('given photos picked on the registration form, when it is registered, then each is uploaded as registration evidence of the new complaint', async () => {
    const register = vi.spyOn(api, 'register').mockResolvedValue({ id: ID, number: 'SITEA-261123-009', status: 'registered' });
    const upload = vi.spyOn(api, 'uploadAttachment').mockResolvedValue({ ...item({}), complaintId: ID, duplicate: false });
    const onRegistered = vi.fn();
    renderWith(<RegisterPage onRegistered={onRegistered} />, { me: ME.assistant });
    fireEvent.change(screen.getByLabelText(/投诉标题|标题/), { target: { value: '外墙渗水' } });
    fireEvent.change(screen.getByLabelText(/投诉内容|内容/), { target: { value: '卧室外墙渗水发霉' } });
    fireEvent.change(screen.getByLabelText(/姓名/), { target: { value: '孙女士' } });
    fireEvent.change(screen.getByLabelText(/电话/), { target: { value: '13800000123' } });
    const photo = png('渗水.png');
    fireEvent.change(screen.getByTestId('reg-photos'), { target: { files: [photo] } });
    fireEvent.click(screen.getByTestId('register-submit'));
    await waitFor(() => expect(onRegistered).toHaveBeenCalled());
    expect(register).toHaveBeenCalled();
    expect(upload).toHaveBeenCalledWith(ID, photo, { stage: 'registration' });
  });
});

describe('after-photos with the resolution', () => {
  const fill = () => {
    fireEvent.change(screen.getByLabelText(/处理结果/), { target: { value: '已更换防水层' } });
    fireEvent.change(document.querySelector('#resolve-root') as HTMLElement, { target: { value: '防水层老化' } });
    fireEvent.change(document.querySelector('#resolve-corrective') as HTMLElement, { target: { value: '更换防水层' } });
    fireEvent.change(document.querySelector('#resolve-preventive') as HTMLElement, { target: { value: '每年检查' } });
  };
  const resolving = () => view({ status: 'in_progress', nature: 'valid', department: 'engineering', actions: ['resolve'] });

  it('given after-photos picked on the resolve form, when it is resolved, then each is uploaded as resolution evidence', async () => {
    const act = vi.spyOn(api, 'act').mockResolvedValue({ accepted: true });
    const upload = vi.spyOn(api, 'uploadAttachment').mockResolvedValue({ ...item({ stage: 'resolution' }), complaintId: ID, duplicate: false });
    const onDone = vi.fn();
    const v = resolving();
    renderWith(<ResolveForm view={v} onDone={onDone} onCancel={() => undefined} />, { me: ME.handler });
    fill();
    const photo = png('完工.png');
    fireEvent.change(screen.getByTestId('resolve-photos'), { target: { files: [photo] } });
    fireEvent.click(screen.getByTestId('resolve-submit'));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith('resolve', undefined));
    expect(act).toHaveBeenCalledWith(v.id, 'resolve', expect.objectContaining({ resolution: '已更换防水层' }));
    expect(upload).toHaveBeenCalledWith(v.id, photo, { stage: 'resolution' });
  });

  it('given an after-photo the server refuses, then the resolution still stands and the refusal is handed on, naming the file and why', async () => {
    vi.spyOn(api, 'act').mockResolvedValue({ accepted: true });
    vi.spyOn(api, 'uploadAttachment').mockRejectedValue(new ApiError(422, 'Unprocessable Entity', 'size', [{ field: 'size', problem: 'at most 10485760 bytes' }]));
    const onDone = vi.fn();
    renderWith(<ResolveForm view={resolving()} onDone={onDone} onCancel={() => undefined} />, { me: ME.handler });
    fill();
    fireEvent.change(screen.getByTestId('resolve-photos'), { target: { files: [png('大图.png')] } });
    fireEvent.click(screen.getByTestId('resolve-submit'));
    await waitFor(() => expect(onDone).toHaveBeenCalledWith('resolve', ['大图.png: at most 10485760 bytes']));
  });
});

describe('the timeline entry of an attachment', () => {
  it('names the stage (and the personal mark), never a file name', () => {
    const base = { at: '2026-11-23T08:05:00.000Z', actor: { id: 'u-a', role: 'cs_assistant' }, hash: 'h', prevHash: 'p' };
    renderWith(
      <Timeline
        events={[
          { ...base, seq: 1, type: 'AttachmentAdded', data: { stage: 'handling', fileName: '维修中.jpg', personal: false } },
          { ...base, seq: 2, type: 'AttachmentAdded', data: { stage: 'registration', fileName: '孙女士身份证.jpg', personal: true } },
        ]}
      />,
    );
    const items = within(screen.getByTestId('timeline')).getAllByRole('listitem');
    expect(items[0].textContent).toContain('添加附件（照片/文件）');
    expect(items[0].textContent).toContain('处理过程中');
    expect(items[0].textContent).not.toContain('维修中.jpg');
    expect(items[1].textContent).toContain('登记时（投诉人提供） · 含个人信息');
    expect(items[1].textContent).not.toContain('身份证');
  });
});
