/**
 * Delivery of the notification outbox through adapters, with the retry policy of
 * data/rules/permit-workflow.json (outbox.ts nextRetry: exponential backoff, failed after maxAttempts).
 *
 * Adapters and their configuration (environment, read by notifyConfigFromEnv):
 * - log (default, always on): one line on stdout per message: id, channel, recipient id, template.
 * - sms: UNDERGRID_SMS_URL — POST JSON {id, to: phone, text} to an SMS gateway over HTTP.
 * - email: UNDERGRID_MAIL_API_URL — POST JSON {id, to: address, subject, text} to an HTTP mail API;
 *   or UNDERGRID_MAIL_DROP_DIR — writes one RFC 5322 message file per mail (for a local MTA's pickup
 *   folder or inspection). No SMTP client here.
 * - webhook: UNDERGRID_WEBHOOK_URL — POST JSON {id, template, to, params, text}.
 * UNDERGRID_NOTIFY_AUTH, when set, is sent as the Authorization header of every HTTP adapter.
 * A channel the rules ask for but nobody configured is delivered to the log instead, and the row
 * says so (delivered_via 'log (sms not configured)'): the record stays honest.
 * A recipient without the contact a channel needs (no phone for SMS) fails at once: retrying cannot help.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_ERROR_LENGTH, markDelivered, nextRetry, type Channel, type OutboxMessage } from '../../core/permits/outbox';
import type { PermitsContext } from './context';
import type { UserRow } from './accounts';

export interface NotifyConfig {
  smsUrl?: string;
  mailApiUrl?: string;
  mailDropDir?: string;
  webhookUrl?: string;
  authorization?: string;
  /** Where the log adapter writes; console.log by default. */
  log?: (line: string) => void;
}

export function notifyConfigFromEnv(env: NodeJS.ProcessEnv = process.env): NotifyConfig {
  const all = {
    smsUrl: env['UNDERGRID_SMS_URL'], mailApiUrl: env['UNDERGRID_MAIL_API_URL'], mailDropDir: env['UNDERGRID_MAIL_DROP_DIR'],
    webhookUrl: env['UNDERGRID_WEBHOOK_URL'], authorization: env['UNDERGRID_NOTIFY_AUTH'],
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v)) as NotifyConfig;
}

/** The message text, English then Chinese (the recipient's language is not stored yet). */
export function renderMessage(m: OutboxMessage): { subject: string; text: string } {
  const p = m.params;
  if (m.template.startsWith('permit.card.')) {
    const red = m.template.endsWith('red');
    const subject = `${red ? 'RED' : 'YELLOW'} card: permit ${p.permitId} stage ${p.stage} overdue / ${red ? '红牌' : '黄牌'}: 许可 ${p.permitId} ${p.stage} 阶段超期`;
    return { subject, text: `${subject}. Due ${p.dueAt}, ${p.overdueWorkingDays} working day(s) overdue / 期限 ${p.dueAt}，已超 ${p.overdueWorkingDays} 个工作日。` };
  }
  if (m.template === 'permit.rescreen.changed') {
    const subject = `Permit ${p.receipt || p.permitId}: screening changed on network version ${p.networkVersion} / 管网更新后筛查结果变化`;
    return { subject, text: `${subject}. Now ${p.strike} strike, ${p.encroach} encroach, ${p.near} near. Please review. / 请复核。` };
  }
  if (m.template === 'permit.rescreen.failed') {
    const subject = `Permit ${p.receipt || p.permitId}: re-screening on network version ${p.networkVersion} failed / 管网更新后重新筛查失败`;
    return {
      subject,
      text: `${subject}. ${p.reason}. Its screening is still the one on version ${p.screenedVersion}, not the network in force: do not approve on it; check the works. / 现有筛查结果仍为第 ${p.screenedVersion} 版管网，非现行管网：请勿据此批准，请核查作业。`,
    };
  }
  return { subject: m.template, text: `${m.template} ${JSON.stringify(p)}` };
}

class PermanentError extends Error {}

export class OutboxDelivery {
  private running = false;
  private closed = false;

  constructor(private readonly ctx: PermitsContext, private readonly config: NotifyConfig) {}

  private recipients(to: string): UserRow[] {
    if (to.startsWith('role:')) return this.ctx.accounts.users(to.slice(5) as UserRow['role']).map((u) => this.ctx.accounts.userRow(u.id)!);
    const u = this.ctx.accounts.userRow(to);
    if (!u) throw new PermanentError(`no user ${to}`);
    return [u];
  }

  private async post(url: string, body: unknown): Promise<void> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.config.authorization) headers['Authorization'] = this.config.authorization;
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(this.ctx.rules.server.deliveryTimeoutMs) });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  }

  private log(m: OutboxMessage, note: string): void {
    (this.config.log ?? console.log)(`[notify] ${m.id} channel=${m.channel} to=${m.to} template=${m.template}${note}`);
  }

  /** Sends one message; returns how it went (the 'via' recorded), or throws. */
  private async send(m: OutboxMessage): Promise<string> {
    const { subject, text } = renderMessage(m);
    const channel: Channel = m.channel;
    const configured = channel === 'sms' ? this.config.smsUrl : channel === 'webhook' ? this.config.webhookUrl
      : channel === 'email' ? this.config.mailApiUrl ?? this.config.mailDropDir : 'log';
    if (!configured || channel === 'log') {
      this.log(m, channel === 'log' ? '' : ` (${channel} not configured)`);
      return channel === 'log' ? 'log' : `log (${channel} not configured)`;
    }
    if (channel === 'webhook') {
      await this.post(this.config.webhookUrl!, { id: m.id, template: m.template, to: m.to, params: m.params, text });
      return 'webhook';
    }
    for (const u of this.recipients(m.to)) {
      if (channel === 'sms') {
        if (!u.phone) throw new PermanentError(`${u.id} has no phone number`);
        await this.post(this.config.smsUrl!, { id: m.id, to: u.phone, text });
      } else if (this.config.mailApiUrl) {
        if (!u.email) throw new PermanentError(`${u.id} has no e-mail address`);
        await this.post(this.config.mailApiUrl, { id: m.id, to: u.email, subject, text });
      } else {
        if (!u.email) throw new PermanentError(`${u.id} has no e-mail address`);
        mkdirSync(this.config.mailDropDir!, { recursive: true });
        const file = join(this.config.mailDropDir!, `${m.id.replace(/[^A-Za-z0-9._-]/g, '_')}-${u.id}.eml`);
        writeFileSync(file, `To: ${u.email}\r\nSubject: ${subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`);
      }
    }
    return this.config.mailApiUrl && channel === 'email' ? 'email (http api)' : channel === 'email' ? 'email (file drop)' : channel;
  }

  /** After close, a pass in flight records nothing more (the database is closing). */
  close(): void {
    this.closed = true;
  }

  /** One pass over the due messages. Returns how many were attempted. Never runs twice at once. */
  async deliverDue(limit = 100): Promise<number> {
    if (this.running || this.closed) return 0;
    this.running = true;
    try {
      const due = this.ctx.outbox.due(this.ctx.now(), limit);
      for (const m of due) {
        let after: OutboxMessage;
        let via: string | null = null;
        try {
          via = await this.send(m);
          after = markDelivered(m, this.ctx.now());
        } catch (e) {
          const error = String((e as Error).message ?? e);
          after = e instanceof PermanentError
            ? { ...m, attempts: m.attempts + 1, status: 'failed', nextAttemptAt: null, lastError: error.slice(0, MAX_ERROR_LENGTH) }
            : nextRetry(m, error, this.ctx.now(), this.ctx.rules.workflow.retry);
        }
        if (this.closed) break;
        this.ctx.permits.transaction(() => this.ctx.outbox.record(m, after, this.ctx.now(), via));
      }
      return due.length;
    } finally {
      this.running = false;
    }
  }
}
