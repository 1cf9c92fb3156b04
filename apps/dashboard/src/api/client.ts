import { isKnownCode, renderMessage, type Lang, type MessageParams } from '@complaints/contracts/i18n';
import type {
  AddedAttachment,
  AttachmentList,
  AttachmentStage,
  CallbackTask,
  ComplainantNotice,
  ComplaintView,
  DepartmentDashboard,
  ErrorDetail,
  History,
  Me,
  MonthlyReport,
  Page,
  TriageSuggestion,
  Verification,
} from './types';

/**
 * The one door to the API of docs/api.md: `/api` on the same origin, JSON both ways,
 * `Authorization: Bearer <token>` on every call once signed in. Every non-2xx answer
 * becomes an ApiError carrying the body's `message`, `code`/`params` and `details` so forms
 * can show them beside the inputs, in the reader's language.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** The error in the shared message catalogue; absent from older servers or a proxy's page. */
    readonly code?: string,
    readonly params: MessageParams = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The error in `lang` from its code; the server's English `message` when the code is unknown. */
  describe(lang: Lang): string {
    return this.code && isKnownCode(this.code) ? renderMessage(lang, this.code, this.params, this.message) : this.message;
  }

  /**
   * The problems the API named for one field (e.g. `complainant.phone`): in Chinese from
   * their codes; in English the server's own words (they say more than the code's).
   */
  problemsFor(field: string, lang: Lang = 'en'): string[] {
    return this.details.filter((d) => d.field === field).map((d) => problemText(lang, d));
  }
}

/** One field problem in `lang`: from its code in Chinese (the server writes English), as written in English. */
export const problemText = (lang: Lang, d: ErrorDetail): string => (lang === 'zh' && d.code && isKnownCode(d.code) ? renderMessage(lang, d.code, {}, d.problem) : d.problem);

type Query = Record<string, string | number | boolean | undefined | null>;
type Options = { query?: Query; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal };

const TOKEN_KEY = 'dashboard.session';

export type StoredSession = { token: string; expiresAt: number };

export const sessionStore = {
  load(): StoredSession | null {
    try {
      const raw = localStorage.getItem(TOKEN_KEY);
      if (!raw) return null;
      const s = JSON.parse(raw) as StoredSession;
      return s.expiresAt > Date.now() ? s : null;
    } catch {
      return null;
    }
  },
  save(s: StoredSession): void {
    localStorage.setItem(TOKEN_KEY, JSON.stringify(s));
  },
  clear(): void {
    localStorage.removeItem(TOKEN_KEY);
  },
};

export const queryString = (query: Query = {}): string => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
};

const parseError = async (res: Response): Promise<ApiError> => {
  let body: { statusCode?: number; error?: string; message?: string | string[]; details?: ErrorDetail[]; code?: unknown; params?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    /* not JSON (a proxy's error page): keep the status line */
  }
  const message = Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? res.statusText ?? `HTTP ${res.status}`);
  const params = typeof body.params === 'object' && body.params !== null ? (body.params as MessageParams) : {};
  return new ApiError(body.statusCode ?? res.status, body.error ?? res.statusText, message, Array.isArray(body.details) ? body.details : [], typeof body.code === 'string' ? body.code : undefined, params);
};

export class ApiClient {
  token: string | null = null;
  onUnauthorized: (() => void) | null = null;

  constructor(readonly base = '/api') {}

  async raw(method: string, path: string, options: Options = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}${queryString(options.query)}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, 'Network Error', (error as Error).message || 'network error');
    }
    if (!res.ok) {
      const error = await parseError(res);
      if (res.status === 401 && !path.startsWith('/auth/login')) this.onUnauthorized?.();
      throw error;
    }
    return res;
  }

  async json<T>(method: string, path: string, options: Options = {}): Promise<T> {
    const res = await this.raw(method, path, options);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.json<T>('GET', path, { query, signal });
  }

  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T> {
    return this.json<T>('POST', path, { body, headers });
  }

  // --- the endpoints -------------------------------------------------------------------

  login(username: string, password: string) {
    return this.post<{ accessToken: string; expiresIn: number }>('/auth/login', { username, password });
  }
  me() {
    return this.get<Me>('/auth/me');
  }
  listComplaints(query: Query, signal?: AbortSignal) {
    return this.get<Page<ComplaintView>>('/complaints', query, signal);
  }
  complaint(id: string, signal?: AbortSignal) {
    return this.get<ComplaintView>(`/complaints/${id}`, undefined, signal);
  }
  history(id: string, asOf?: string, signal?: AbortSignal) {
    return this.get<History>(`/complaints/${id}/history`, { asOf }, signal);
  }
  verify(id: string, signal?: AbortSignal) {
    return this.get<Verification>(`/complaints/${id}/verify`, undefined, signal);
  }
  suggestion(id: string, signal?: AbortSignal) {
    return this.get<TriageSuggestion>(`/complaints/${id}/triage/suggestion`, undefined, signal);
  }
  callbacks(query: Query, signal?: AbortSignal) {
    return this.get<Page<CallbackTask>>('/callbacks', query, signal);
  }
  departmentDashboard(query: Query, signal?: AbortSignal) {
    return this.get<DepartmentDashboard>('/dashboards/department', query, signal);
  }
  monthlyReport(query: Query, signal?: AbortSignal) {
    return this.get<MonthlyReport>('/reports/monthly', { ...query, format: 'json' }, signal);
  }
  register(body: unknown, idempotencyKey: string) {
    return this.post<{ id: string; number: string; status: string }>('/complaints', body, { 'Idempotency-Key': idempotencyKey });
  }
  /** The 202 writes: triage, triage/referral, replies, plan, resolve, escalate, reassign, callbacks, callback-exemption. */
  act(id: string, action: string, body: unknown) {
    return this.post<unknown>(`/complaints/${id}/${action}`, body);
  }

  attachments(id: string, signal?: AbortSignal) {
    return this.get<AttachmentList>(`/complaints/${id}/attachments`, undefined, signal);
  }
  /** Uploads one photo or document (multipart, the file in the field `file`). */
  async uploadAttachment(id: string, file: File, fields: { stage?: AttachmentStage; personal?: boolean; note?: string } = {}): Promise<AddedAttachment> {
    const form = new FormData();
    form.set('file', file, file.name);
    if (fields.stage) form.set('stage', fields.stage);
    if (fields.personal !== undefined) form.set('personal', String(fields.personal));
    if (fields.note) form.set('note', fields.note);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await fetch(`${this.base}/complaints/${id}/attachments`, { method: 'POST', headers, body: form });
    } catch (error) {
      throw new ApiError(0, 'Network Error', (error as Error).message || 'network error');
    }
    if (!res.ok) {
      const error = await parseError(res);
      if (res.status === 401) this.onUnauthorized?.();
      throw error;
    }
    return (await res.json()) as AddedAttachment;
  }
  /** The bytes of one attachment, fetched with the token (an <img> cannot send it), for an object URL. */
  async attachmentBlob(id: string, sha256: string, signal?: AbortSignal): Promise<Blob> {
    const res = await this.raw('GET', `/complaints/${id}/attachments/${sha256}`, { headers: { accept: '*/*' }, signal });
    return res.blob();
  }
  complaintNotices(id: string, signal?: AbortSignal) {
    return this.get<{ items: ComplainantNotice[] }>(`/complaints/${id}/notices`, undefined, signal);
  }
  noticeQueue(query: Query, signal?: AbortSignal) {
    return this.get<Page<ComplainantNotice>>('/complainant-notices', query, signal);
  }
  retryNotices(id: string) {
    return this.post<{ retried: number }>(`/complaints/${id}/notices/retry`, {});
  }

  /** Downloads an export (csv, xlsx, pdf) with the token and hands it to the browser as a file. */
  async download(path: string, query: Query, fallbackName: string): Promise<string> {
    const res = await this.raw('GET', path, { query, headers: { accept: '*/*' } });
    const disposition = res.headers.get('content-disposition') ?? '';
    const match = /filename\*=UTF-8''([^;]+)/i.exec(disposition) ?? /filename="([^"]+)"/i.exec(disposition);
    const name = match ? decodeURIComponent(match[1]) : fallbackName;
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return name;
  }
}

export const api = new ApiClient();

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads are eventually consistent (docs/api.md): after a write, poll until the change shows.
 * Resolves with the first value `done` accepts, or the last one read after `timeoutMs`.
 */
export const pollUntil = async <T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
  intervalMs = 300,
  /** Checked before every read: true stops polling (the page that waits is gone). */
  stopped: () => boolean = () => false,
): Promise<{ value: T | undefined; settled: boolean }> => {
  const until = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    if (stopped()) return { value: last, settled: false };
    try {
      last = await read();
      if (done(last)) return { value: last, settled: true };
    } catch (error) {
      if (!(error instanceof ApiError) || error.statusCode !== 404) throw error;
    }
    if (Date.now() > until) return { value: last, settled: false };
    await sleep(intervalMs);
  }
};

export const newIdempotencyKey = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `k-${Date.now()}-${Math.random().toString(36).slice(2)}`;
