/**
 * Shared pieces of the records desk (案例库 / 公示 / 周检查): the deciders of its own
 * streams, beside the complaint streams, so a sealed complaint's history never changes.
 */
import type { Actor, Role } from '../common/actor';
import { ForbiddenError } from '../common/domain-errors';

export type DeskMetadata = { now: string; actor: Actor };

export const assertDeskRole = (actor: Actor, allowed: readonly Role[], what: string): void => {
  if (!allowed.includes(actor.role)) throw new ForbiddenError('role', `Role '${actor.role}' may not ${what} (allowed: ${allowed.join(', ')})`);
};

/** A run of 7 or more digits (spaces and dashes between them allowed): a phone number, a flat's full number or an ID number. */
const LONG_NUMBER = /\+?\d(?:[\d\- ]{5,}\d)/g;

const digitsOf = (value: string): string => value.replace(/\D/g, '');

/**
 * 是否含有个人信息: which personal value the text holds — the complainant's name, their
 * phone (whatever the spacing), or any phone-like number. Cheap, and deliberately strict:
 * a library entry or a notice is read by people who must not learn who complained.
 */
export const personalDataIn = (text: string, personal: { names?: readonly (string | undefined)[]; phones?: readonly (string | undefined)[] }): 'name' | 'phone' | undefined => {
  for (const name of personal.names ?? []) if (name && name.trim().length >= 2 && text.includes(name.trim())) return 'name';
  const numbers = (text.match(LONG_NUMBER) ?? []).map(digitsOf).filter((d) => d.length >= 7);
  const phones = (personal.phones ?? []).map((p) => (p ? digitsOf(p) : '')).filter((p) => p.length >= 5);
  if (phones.some((p) => digitsOf(text).includes(p))) return 'phone';
  if (numbers.length > 0) return 'phone';
  return undefined;
};

/** Honorific after a surname (张女士, 李先生, 王阿姨…): named without a name field. */
const HONORIFIC = /[\u4e00-\u9fa5](女士|先生|小姐|阿姨|大爷|师傅|老师|业主)/g;
/** Flat numbers (not a building alone): 3号楼1201, 3栋2单元1201室, 3-1-1201, 1201室, Room 1201, Flat 12B. */
const FLAT = /(\d+\s*(号楼|栋|幢|座)\s*(\d+\s*单元)?\s*\d{3,4}\s*(室|号|户)?)|(\b\d{1,2}-\d{1,2}-\d{3,4}\b)|(\d{3,4}\s*(室|户))|(\b(room|flat|apt\.?)\s*[0-9][0-9a-z-]*)/gi;

/**
 * 匿名化: the text as a notice may show it — the complainant's names and phones, any other
 * phone-like number, honorific forms of address and flat numbers replaced by "＊".
 */
export const anonymiseText = (text: string, personal: { names?: readonly (string | undefined)[]; phones?: readonly (string | undefined)[]; units?: readonly (string | undefined)[] } = {}): string => {
  let out = text;
  for (const name of personal.names ?? []) if (name && name.trim().length >= 2) out = out.split(name.trim()).join('＊＊');
  for (const unit of personal.units ?? []) if (unit && unit.trim().length >= 2) out = out.split(unit.trim()).join('＊＊');
  out = out.replace(LONG_NUMBER, (m) => (digitsOf(m).length >= 7 ? '＊＊＊' : m));
  out = out.replace(HONORIFIC, (_m, title: string) => `某${title}`);
  out = out.replace(FLAT, '＊＊');
  return out;
};
