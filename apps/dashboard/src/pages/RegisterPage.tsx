import { useRef, useState, type FormEvent } from 'react';
import { api, newIdempotencyKey } from '../api/client';
import { Card, ErrorBanner, Field, useFormErrors } from '../components/ui';
import { PhotoPicker, uploadFiles } from '../components/Attachments';
import { useI18n } from '../i18n/i18n';
import { CATEGORIES, CHANNELS } from '../i18n/labels';
import { emptyRegistration, hasProblems, registrationBody, validateRegistration, type RegistrationForm } from '../lib/validation';
import { Link, useRouter } from '../router';
import { useSession } from '../session';

/** The fields the API may name in `details`, so they show beside their inputs. */
const FIELDS = [
  'siteId',
  'channel',
  'complainant',
  'complainant.name',
  'complainant.phone',
  'complainant.email',
  'complainant.building',
  'complainant.unit',
  'complainant.anonymous',
  'title',
  'description',
  'request',
  'occurredAt',
  'categoryHint',
  'householdCount',
  'relatedComplaintId',
];

/** Form field → the API's field names it answers for. */
const API_FIELD: Partial<Record<keyof RegistrationForm, string[]>> = {
  name: ['complainant.name', 'complainant'],
  phone: ['complainant.phone', 'complainant'],
  email: ['complainant.email'],
  building: ['complainant.building'],
  unit: ['complainant.unit'],
  anonymous: ['complainant.anonymous', 'complainant.phone', 'complainant'],
};

export const RegisterPage = ({ onRegistered }: { onRegistered?: (r: { id: string; number: string }) => void }) => {
  const { t, l, site } = useI18n();
  const { sites, siteId } = useSession();
  const { navigate } = useRouter();
  const [form, setForm] = useState<RegistrationForm>(() => emptyRegistration(siteId || sites[0] || ''));
  const [busy, setBusy] = useState(false);
  const [photos, setPhotos] = useState<File[]>([]);
  const [photoProblems, setPhotoProblems] = useState<string[]>([]);
  const [registered, setRegistered] = useState<{ id: string; number: string } | null>(null);
  const key = useRef(newIdempotencyKey());
  const { problems, setProblems, apiError, setApiError, server, clear } = useFormErrors();

  const set = <K extends keyof RegistrationForm>(field: K, value: RegistrationForm[K]) => {
    setForm((f) => ({ ...f, [field]: value }));
    clear(...(API_FIELD[field] ?? [field]));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p = validateRegistration(form);
    setProblems(p);
    setApiError(null);
    if (hasProblems(p)) {
      document.querySelector<HTMLElement>('.field-invalid input, .field-invalid select, .field-invalid textarea')?.focus();
      return;
    }
    setBusy(true);
    try {
      // One key per filled-in form: a double tap or a retry after a timeout registers once.
      const result = await api.register(registrationBody(form), key.current);
      key.current = newIdempotencyKey();
      // The complainant's photos and papers go with the registration (stage `registration`).
      const refused = await uploadFiles(result.id, photos, 'registration');
      setPhotos([]);
      if (refused.length > 0) {
        // Registered, but some files were refused: say which and why; the complaint's page takes them again.
        setPhotoProblems([t('attach.uploadFailed', { files: refused.join('；') })]);
        setRegistered(result);
        return;
      }
      if (onRegistered) onRegistered(result);
      else navigate(`/complaints/${result.id}?registered=${encodeURIComponent(result.number)}`);
    } catch (error) {
      setApiError(error);
    } finally {
      setBusy(false);
    }
  };

  const complainantProblems = [...server('complainant')];

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{t('register.title')}</h1>
          <p className="muted">{t('register.subtitle')}</p>
        </div>
      </div>
      <form onSubmit={submit} noValidate className="form" aria-label={t('register.title')} data-testid="register-form">
        <ErrorBanner error={apiError} shownFields={FIELDS} />
        <Card title={t('register.section.content')}>
          <div className="grid-2">
            <Field label={t('form.siteId')} htmlFor="reg-site" problem={problems.siteId} serverProblems={server('siteId')} required>
              <select id="reg-site" value={form.siteId} onChange={(e) => set('siteId', e.target.value)}>
                <option value="">{t('common.choose')}</option>
                {sites.map((s) => (
                  <option key={s} value={s}>
                    {site(s)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('form.channel')} htmlFor="reg-channel" problem={problems.channel} serverProblems={server('channel')} required>
              <select id="reg-channel" value={form.channel} onChange={(e) => set('channel', e.target.value)}>
                {CHANNELS.map((c) => (
                  <option key={c} value={c}>
                    {l('channel', c)}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <Field label={t('form.title')} htmlFor="reg-title" problem={problems.title} serverProblems={server('title')} required>
            <input id="reg-title" value={form.title} maxLength={200} onChange={(e) => set('title', e.target.value)} />
          </Field>
          <Field label={t('form.description')} htmlFor="reg-description" problem={problems.description} serverProblems={server('description')} required>
            <textarea id="reg-description" rows={4} value={form.description} onChange={(e) => set('description', e.target.value)} />
          </Field>
          <Field label={t('form.request')} htmlFor="reg-request" problem={problems.request} serverProblems={server('request')}>
            <textarea id="reg-request" rows={2} value={form.request} onChange={(e) => set('request', e.target.value)} />
          </Field>
        </Card>
        <Card title={t('register.section.complainant')}>
          {complainantProblems.length > 0 && (
            <div className="field-error" role="alert">
              {complainantProblems.join('; ')}
            </div>
          )}
          <div className="field checkbox-field">
            <label>
              <input type="checkbox" checked={form.anonymous} onChange={(e) => set('anonymous', e.target.checked)} data-testid="reg-anonymous" /> {t('form.complainant.anonymous')}
            </label>
          </div>
          <div className="grid-2">
            <Field label={t('form.complainant.name')} htmlFor="reg-name" problem={problems['complainant.name']} serverProblems={server('complainant.name')}>
              <input id="reg-name" value={form.name} autoComplete="off" onChange={(e) => set('name', e.target.value)} />
            </Field>
            <Field
              label={t('form.complainant.phone')}
              htmlFor="reg-phone"
              problem={problems['complainant.phone']}
              serverProblems={server('complainant.phone')}
              required={!form.anonymous}
            >
              <input id="reg-phone" type="tel" inputMode="tel" value={form.phone} autoComplete="off" onChange={(e) => set('phone', e.target.value)} />
            </Field>
            <Field label={t('form.complainant.email')} htmlFor="reg-email" problem={problems['complainant.email']} serverProblems={server('complainant.email')}>
              <input id="reg-email" type="email" inputMode="email" value={form.email} autoComplete="off" onChange={(e) => set('email', e.target.value)} />
            </Field>
            <Field label={t('form.complainant.building')} htmlFor="reg-building" problem={problems['complainant.building']} serverProblems={server('complainant.building')}>
              <input id="reg-building" value={form.building} onChange={(e) => set('building', e.target.value)} />
            </Field>
            <Field label={t('form.complainant.unit')} htmlFor="reg-unit" problem={problems['complainant.unit']} serverProblems={server('complainant.unit')}>
              <input id="reg-unit" value={form.unit} onChange={(e) => set('unit', e.target.value)} />
            </Field>
          </div>
        </Card>
        <Card title={t('register.section.more')}>
          <div className="grid-2">
            <Field label={t('form.occurredAt')} htmlFor="reg-occurred" problem={problems.occurredAt} serverProblems={server('occurredAt')}>
              <input id="reg-occurred" type="datetime-local" value={form.occurredAt} onChange={(e) => set('occurredAt', e.target.value)} />
            </Field>
            <Field label={t('form.categoryHint')} htmlFor="reg-category" problem={problems.categoryHint} serverProblems={server('categoryHint')}>
              <select id="reg-category" value={form.categoryHint} onChange={(e) => set('categoryHint', e.target.value)}>
                <option value="">{t('common.choose')}</option>
                {CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {l('category', c)}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              label={t('form.householdCount')}
              htmlFor="reg-households"
              problem={problems.householdCount}
              serverProblems={server('householdCount')}
              hint={t('form.householdCount.hint')}
            >
              <input id="reg-households" type="number" min={1} inputMode="numeric" value={form.householdCount} onChange={(e) => set('householdCount', e.target.value)} />
            </Field>
            <Field label={t('form.relatedComplaintId')} htmlFor="reg-related" problem={problems.relatedComplaintId} serverProblems={server('relatedComplaintId')}>
              <input id="reg-related" value={form.relatedComplaintId} placeholder="xxxxxxxx-xxxx-…" onChange={(e) => set('relatedComplaintId', e.target.value)} />
            </Field>
          </div>
        </Card>
        <Card title={t('attach.title')}>
          <PhotoPicker id="reg-photos" files={photos} onChange={setPhotos} problems={photoProblems} />
          {registered && (
            <Link to={`/complaints/${registered.id}?registered=${encodeURIComponent(registered.number)}`} className="btn" data-testid="reg-open-registered">
              {registered.number}
            </Link>
          )}
        </Card>
        <div className="form-actions sticky-actions">
          <button type="submit" className="btn btn-primary btn-large" disabled={busy} data-testid="register-submit">
            {busy ? t('register.submitting') : t('register.submit')}
          </button>
        </div>
      </form>
    </div>
  );
};
