/**
 * The public progress page (receipt.html): anyone with a receipt number sees its stage and dates,
 * nothing else (the server's view is an allow-list: no names, phones or geometry). No sign-in. The
 * number may come in the address (?n=UG-2026-…) so the applicant can bookmark it.
 */
import { normaliseReceipt } from '../../core/permits/receipt';
import type { PublicPermitView } from '../../protocol/permitApi';
import { ApiError } from '../../services/api';
import { clear, h } from '../dom';
import { detectLocale, LOCALES, translate, type Locale, type MessageKey } from '../i18n';
import { permitApi } from './permitClient';
import './receipt.css';

const root = document.getElementById('receipt-app')!;
let locale: Locale = detectLocale(navigator.languages);
let receipt = new URLSearchParams(location.search).get('n') ?? '';
let result: { status: 'idle' } | { status: 'loading' } | { status: 'found'; view: PublicPermitView } | { status: 'error'; message: string } = { status: 'idle' };

const t = (k: MessageKey, p?: Record<string, string | number>) => translate(locale, k, p);

async function lookUp(): Promise<void> {
  const canonical = normaliseReceipt(receipt.trim());
  if (!canonical) {
    result = { status: 'error', message: t('permit.public.malformed') };
    return render();
  }
  receipt = canonical;
  history.replaceState(null, '', `?n=${encodeURIComponent(canonical)}`);
  result = { status: 'loading' };
  render();
  try {
    result = { status: 'found', view: await permitApi.publicReceipt(canonical) };
  } catch (e) {
    const message = e instanceof ApiError && e.status === 404 ? t('permit.public.notFound')
      : e instanceof ApiError && e.status === 400 ? t('permit.public.malformed') : t('permit.public.failed', { message: (e as Error).message });
    result = { status: 'error', message };
  }
  render();
}

function renderResult(): HTMLElement | null {
  if (result.status === 'loading') return h('p', { role: 'status' }, t('permit.loading'));
  if (result.status === 'error') return h('p', { className: 'error', role: 'alert', id: 'receipt-error' }, result.message);
  if (result.status !== 'found') return null;
  const v = result.view;
  return h('section', { className: 'result', id: 'receipt-result', 'data-stage': v.stage },
    h('div', {}, t('permit.stage')),
    h('div', { className: 'stage', id: 'receipt-stage' }, t(`permit.state.${v.stage}` as MessageKey)),
    h('p', {}, t('permit.public.dates', { submitted: v.submittedOn, since: v.stageSince })),
    h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, t('permit.public.date')), h('th', {}, t('permit.stage')))),
      h('tbody', {}, ...v.history.map((e) => h('tr', {}, h('td', {}, e.on), h('td', {}, t(`permit.state.${e.stage}` as MessageKey)))))));
}

function render(): void {
  document.documentElement.lang = locale;
  document.title = `${t('permit.public.title')} · ${t('appTitle')}`;
  document.body.dataset['receiptStatus'] = result.status;
  clear(root);
  root.append(
    h('div', { className: 'lang' }, h('select', {
      id: 'locale', 'aria-label': t('language'),
      onchange: (e: Event) => { locale = (e.target as HTMLSelectElement).value as Locale; render(); },
    }, ...LOCALES.map((l) => h('option', { value: l, selected: l === locale }, l === 'en' ? 'English' : '简体中文')))),
    h('h1', {}, t('permit.public.title')),
    h('form', { onsubmit: (e: Event) => { e.preventDefault(); void lookUp(); } },
      h('label', {}, t('permit.receipt'), h('input', {
        id: 'receipt-input', value: receipt, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: 64,
        placeholder: 'UG-2026-XXXXX-XXXXX', oninput: (e: Event) => { receipt = (e.target as HTMLInputElement).value; },
      })),
      h('button', { type: 'submit', id: 'receipt-look-up' }, t('permit.public.lookUp'))),
    h('p', {}, t('permit.public.note')),
    renderResult() ?? '');
}

render();
if (receipt) void lookUp();
