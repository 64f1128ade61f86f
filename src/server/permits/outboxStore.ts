/**
 * The notification outbox and the issued cards in permits.sqlite. A card and its messages are
 * written in one transaction; message ids derive from the card (supervision.ts cardMessages), so a
 * second run that finds the same card changes nothing (INSERT OR IGNORE).
 */
import type Database from 'better-sqlite3';
import type { OutboxMessage } from '../../core/permits/outbox';
import type { Card } from '../../core/permits/supervision';
import type { CardView, NotificationView } from '../../protocol/permitApi';

interface OutboxRow {
  id: string; card_id: string | null; permit_id: string | null; channel: OutboxMessage['channel']; recipient: string;
  template: string; params: string; attempts: number; next_attempt_at: number | null; status: OutboxMessage['status'];
  last_error: string | null; created_at: number; delivered_at: number | null; delivered_via: string | null;
}

interface CardRow {
  card_id: string; permit_id: string; instance_id: string; stage: Card['stage']; colour: Card['colour'];
  raised_at: number; issued_at: number; stage_open: number;
}

export class OutboxStore {
  constructor(private readonly db: Database.Database) {}

  issuedCardIds(permitId: string): { cardId: string }[] {
    return (this.db.prepare('SELECT card_id FROM cards WHERE permit_id = ?').all(permitId) as { card_id: string }[]).map((r) => ({ cardId: r.card_id }));
  }

  insertCard(card: Card, now: number): void {
    this.db.prepare(`INSERT OR IGNORE INTO cards (card_id, permit_id, instance_id, stage, colour, raised_at, issued_at, stage_open, recipients, unassigned)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(card.cardId, card.permitId, card.instanceId, card.stage, card.colour, card.raisedAt, now,
      card.stageOpen ? 1 : 0, JSON.stringify(card.recipients), JSON.stringify(card.unassigned));
  }

  cards(permitId?: string): CardView[] {
    const rows = (permitId
      ? this.db.prepare('SELECT * FROM cards WHERE permit_id = ? ORDER BY raised_at, card_id').all(permitId)
      : this.db.prepare('SELECT * FROM cards ORDER BY raised_at, card_id').all()) as CardRow[];
    return rows.map((r) => ({
      cardId: r.card_id, permitId: r.permit_id, stage: r.stage, colour: r.colour, raisedAt: r.raised_at, issuedAt: r.issued_at, stageOpen: r.stage_open === 1,
    }));
  }

  enqueue(m: OutboxMessage, refs: { cardId: string | null; permitId: string | null }, now: number): void {
    this.db.prepare(`INSERT OR IGNORE INTO outbox (id, card_id, permit_id, channel, recipient, template, params, attempts, next_attempt_at,
      status, last_error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(m.id, refs.cardId, refs.permitId, m.channel, m.to,
      m.template, JSON.stringify(m.params), m.attempts, m.nextAttemptAt, m.status, m.lastError, now);
  }

  private message(r: OutboxRow): OutboxMessage {
    return {
      id: r.id, channel: r.channel, to: r.recipient, template: r.template, params: JSON.parse(r.params) as OutboxMessage['params'],
      attempts: r.attempts, nextAttemptAt: r.next_attempt_at, status: r.status, lastError: r.last_error,
    };
  }

  /** Pending messages due at `now`, oldest due first (the order of dueForDelivery). */
  due(now: number, limit: number): OutboxMessage[] {
    const rows = this.db.prepare(`SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
      ORDER BY next_attempt_at, id LIMIT ?`).all(now, limit) as OutboxRow[];
    return rows.map((r) => this.message(r));
  }

  /** Records an attempt's outcome; only a row still pending with the same attempt count is changed. */
  record(before: OutboxMessage, after: OutboxMessage, now: number, via: string | null): boolean {
    return this.db.prepare(`UPDATE outbox SET attempts = ?, next_attempt_at = ?, status = ?, last_error = ?,
      delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END, delivered_via = COALESCE(?, delivered_via)
      WHERE id = ? AND status = 'pending' AND attempts = ?`).run(after.attempts, after.nextAttemptAt, after.status, after.lastError,
      after.status, now, via, before.id, before.attempts).changes === 1;
  }

  notifications(filter: { permitId?: string }, nameOf: (id: string) => string | null): NotificationView[] {
    const rows = (filter.permitId
      ? this.db.prepare('SELECT * FROM outbox WHERE permit_id = ? ORDER BY created_at, id').all(filter.permitId)
      : this.db.prepare('SELECT * FROM outbox ORDER BY created_at DESC, id LIMIT 1000').all()) as OutboxRow[];
    return rows.map((r) => ({
      id: r.id, cardId: r.card_id, permitId: r.permit_id, channel: r.channel, to: r.recipient, toName: nameOf(r.recipient),
      template: r.template, status: r.status, attempts: r.attempts, createdAt: r.created_at, deliveredAt: r.delivered_at,
      lastError: r.last_error,
    }));
  }

  get(id: string): (OutboxMessage & { deliveredVia: string | null; deliveredAt: number | null }) | null {
    const r = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
    return r ? { ...this.message(r), deliveredVia: r.delivered_via, deliveredAt: r.delivered_at } : null;
  }
}
