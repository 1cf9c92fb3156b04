import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import type { Attachment, AttachmentList, AttachmentStage } from '../api/types';
import { useI18n, type Lang } from '../i18n/i18n';
import type { Problem, Problems } from '../lib/validation';
import { DateTime, ErrorBanner, Field, Spinner, useFormErrors } from './ui';

/** The types the default policy accepts; the list answer carries the site's own (`limits.mediaTypes`). */
export const DEFAULT_ACCEPT = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'];
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

const API_FIELDS = ['file', 'mediaType', 'size', 'fileName', 'stage', 'personal', 'note'];

/** 48 KB / 48千字节: a Chinese screen carries no Latin units. */
export const formatBytes = (n: number, lang: Lang = 'en'): string => {
  const [mb, kb, b] = lang === 'zh' ? ['兆字节', '千字节', '字节'] : [' MB', ' KB', ' B'];
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)}${mb}` : n >= 1024 ? `${Math.round(n / 1024)}${kb}` : `${n}${b}`;
};

/** What the form can tell before sending: a file is chosen, of an accepted type, within the size. The server decides. */
export const checkFile = (file: File | undefined, limits: { maxBytes: number; mediaTypes: string[] }, lang: Lang = 'en'): Problem | undefined => {
  if (!file) return { key: 'attach.problem.noFile' };
  if (!limits.mediaTypes.includes(file.type)) return { key: 'attach.problem.type', vars: { types: limits.mediaTypes.map((t) => t.split('/')[1]).join(', ') } };
  if (file.size > limits.maxBytes) return { key: 'attach.problem.tooLarge', vars: { max: formatBytes(limits.maxBytes, lang) } };
  return undefined;
};

/** What a file that is not shown as a thumbnail reads as: 图片 / Image, or its type (PDF). */
const TypeLabel = ({ mediaType }: { mediaType: string }) => {
  const { t } = useI18n();
  return <>{mediaType.startsWith('image/') ? t('attach.kind.image') : (mediaType.split('/')[1] ?? mediaType).toUpperCase()}</>;
};

/** An image attachment shown small: its bytes fetched with the token into an object URL (an <img> cannot send it). */
export const AttachmentThumb = ({ complaintId, attachment }: { complaintId: string; attachment: Attachment }) => {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    let made: string | null = null;
    api
      .attachmentBlob(complaintId, attachment.sha256, controller.signal)
      .then((blob) => {
        made = URL.createObjectURL(blob);
        setUrl(made);
      })
      .catch(() => setFailed(true));
    return () => {
      controller.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [complaintId, attachment.sha256]);
  if (failed)
    return (
      <span className="attachment-icon">
        <TypeLabel mediaType={attachment.mediaType} />
      </span>
    );
  if (!url) return <span className="attachment-icon attachment-loading" aria-busy="true" />;
  return (
    <a href={url} target="_blank" rel="noreferrer" className="attachment-thumb-link">
      <img src={url} alt={attachment.fileName} className="attachment-thumb" width={96} height={96} loading="lazy" data-testid="attachment-thumb" />
    </a>
  );
};

const openFile = async (complaintId: string, attachment: Attachment) => {
  const blob = await api.attachmentBlob(complaintId, attachment.sha256);
  const url = URL.createObjectURL(blob);
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
};

export const AttachmentItem = ({ complaintId, attachment }: { complaintId: string; attachment: Attachment }) => {
  const { t, l, lang } = useI18n();
  const available = attachment.available !== false;
  const image = attachment.mediaType.startsWith('image/');
  return (
    <li className="attachment" data-testid="attachment" data-sha256={attachment.sha256}>
      {available && image ? (
        <AttachmentThumb complaintId={complaintId} attachment={attachment} />
      ) : (
        <span className="attachment-icon" aria-hidden="true">
          <TypeLabel mediaType={attachment.mediaType} />
        </span>
      )}
      <div className="attachment-meta">
        <div className="attachment-name">
          {available && !image ? (
            <button type="button" className="link-button" onClick={() => void openFile(complaintId, attachment)} data-raw>
              {attachment.fileName}
            </button>
          ) : (
            <span data-raw>{attachment.fileName}</span>
          )}
          {attachment.personal && <span className="badge">{t('attach.personal')}</span>}
        </div>
        <div className="muted small">
          {l('attachmentStage', attachment.stage)} · {formatBytes(attachment.size, lang)}
          {attachment.at && (
            <>
              {' · '}
              <DateTime iso={attachment.at} />
            </>
          )}
          {attachment.actor?.name && ` · ${attachment.actor.name}`}
        </div>
        {!available && <div className="muted small">{t(attachment.unavailableReason === 'erased' ? 'attach.unavailable.erased' : 'attach.unavailable.personal')}</div>}
      </div>
    </li>
  );
};

/** The upload form: the file, the stage (only those the server offers), whether it shows the complainant. */
export const AttachmentUpload = ({
  complaintId,
  stages,
  limits,
  onUploaded,
}: {
  complaintId: string;
  stages: AttachmentStage[];
  limits: { maxBytes: number; mediaTypes: string[] };
  onUploaded: () => void;
}) => {
  const { t, l, lang } = useI18n();
  const [file, setFile] = useState<File | undefined>();
  const [stage, setStage] = useState<AttachmentStage>(stages[0]);
  const [personal, setPersonal] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<'added' | 'duplicate' | null>(null);
  const { problems, setProblems, apiError, setApiError, server, clear } = useFormErrors();
  const [inputKey, setInputKey] = useState(0);

  useEffect(() => {
    if (!stages.includes(stage)) setStage(stages[0]);
  }, [stages.join(',')]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const problem = checkFile(file, limits, lang);
    const found: Problems = problem ? { file: problem } : {};
    setProblems(found);
    setApiError(null);
    if (problem || !file) return;
    setBusy(true);
    try {
      const added = await api.uploadAttachment(complaintId, file, { stage, personal });
      setDone(added.duplicate ? 'duplicate' : 'added');
      setFile(undefined);
      setPersonal(false);
      setInputKey((k) => k + 1);
      onUploaded();
    } catch (error) {
      setApiError(error);
    } finally {
      setBusy(false);
    }
  };

  const fileProblems = [...server('file'), ...server('mediaType'), ...server('size'), ...server('fileName')];
  return (
    <form className="form attachment-upload" onSubmit={submit} noValidate data-testid="attachment-upload">
      <ErrorBanner error={apiError} shownFields={API_FIELDS} />
      <div className="grid-2">
        <Field label={t('attach.file')} htmlFor="attach-file" problem={problems.file} serverProblems={fileProblems} hint={t('attach.hint', { max: formatBytes(limits.maxBytes, lang) })} required>
          <input
            key={inputKey}
            id="attach-file"
            type="file"
            accept={limits.mediaTypes.join(',')}
            onChange={(e) => {
              setFile(e.target.files?.[0]);
              clear('file', 'mediaType', 'size', 'fileName');
            }}
            data-testid="attach-file"
          />
        </Field>
        {stages.length > 1 ? (
          <Field label={t('attach.stage')} htmlFor="attach-stage" serverProblems={server('stage')}>
            <select id="attach-stage" value={stage} onChange={(e) => setStage(e.target.value as AttachmentStage)} data-testid="attach-stage">
              {stages.map((s) => (
                <option key={s} value={s}>
                  {l('attachmentStage', s)}
                </option>
              ))}
            </select>
          </Field>
        ) : (
          <Field label={t('attach.stage')}>
            <span data-testid="attach-stage-fixed">{l('attachmentStage', stage)}</span>
          </Field>
        )}
      </div>
      <div className="field checkbox-field">
        <label>
          <input type="checkbox" checked={personal} onChange={(e) => setPersonal(e.target.checked)} data-testid="attach-personal" /> {t('attach.personal.label')}
        </label>
        {server('personal').map((m) => (
          <div key={m} className="field-error" role="alert">
            {m}
          </div>
        ))}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="attach-submit">
          {busy ? t('attach.uploading') : t('attach.submit')}
        </button>
        {done && (
          <span className="muted" role="status" data-testid="attach-done">
            {t(done === 'duplicate' ? 'attach.duplicate' : 'attach.added')}
          </span>
        )}
      </div>
    </form>
  );
};

/** The complaint's photos and documents (images as thumbnails), and the upload where the server offers a stage. */
export const AttachmentsPanel = ({ complaintId, version }: { complaintId: string; version?: number }) => {
  const { t } = useI18n();
  const [list, setList] = useState<AttachmentList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    api
      .attachments(complaintId, controller.signal)
      .then((l) => {
        setList(l);
        setError(null);
      })
      .catch((e: unknown) => {
        if ((e as Error).name !== 'AbortError') setError(e);
      });
    return () => controller.abort();
  }, [complaintId, version, tick]);
  if (error && !list) return <ErrorBanner error={error} onRetry={() => setTick((n) => n + 1)} />;
  if (!list) return <Spinner />;
  return (
    <div data-testid="attachments-panel">
      {list.items.length === 0 ? (
        <p className="empty">{t('attach.none')}</p>
      ) : (
        <ul className="attachments" data-testid="attachment-list">
          {list.items.map((a) => (
            <AttachmentItem key={a.sha256} complaintId={complaintId} attachment={a} />
          ))}
        </ul>
      )}
      {list.stages.length > 0 && <AttachmentUpload complaintId={complaintId} stages={list.stages} limits={list.limits} onUploaded={() => setTick((n) => n + 1)} />}
    </div>
  );
};

/**
 * A photo picker inside another form (registration, resolution): the files are uploaded
 * once the form's own write has been accepted (`uploadFiles`).
 */
export const PhotoPicker = ({ id, files, onChange, problems = [] }: { id: string; files: File[]; onChange: (files: File[]) => void; problems?: string[] }) => {
  const { t, lang } = useI18n();
  return (
    <Field label={t('attach.photos')} htmlFor={id} hint={t('attach.photos.hint', { max: formatBytes(DEFAULT_MAX_BYTES, lang) })} serverProblems={problems}>
      <input id={id} type="file" multiple accept={DEFAULT_ACCEPT.join(',')} onChange={(e) => onChange(Array.from(e.target.files ?? []))} data-testid={id} />
      {files.length > 0 && (
        <ul className="picked-files small muted">
          {files.map((f) => (
            <li key={`${f.name}-${f.size}`}>
              <span data-raw>{f.name}</span> · {formatBytes(f.size, lang)}
            </li>
          ))}
        </ul>
      )}
    </Field>
  );
};

/** Uploads each file at `stage`; the messages of those refused (named by file), for the page to show. */
export const uploadFiles = async (complaintId: string, files: File[], stage: AttachmentStage): Promise<string[]> => {
  const refused: string[] = [];
  for (const file of files) {
    try {
      await api.uploadAttachment(complaintId, file, { stage });
    } catch (error) {
      refused.push(`${file.name}: ${error instanceof ApiError ? (error.details.map((d) => d.problem).join('; ') || error.message) : String(error)}`);
    }
  }
  return refused;
};
