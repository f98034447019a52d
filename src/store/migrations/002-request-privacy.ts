/**
 * Migration 002: what the privacy policy did to each request (RequestRecord.privacy), so the dashboard
 * can chart privacy decisions. The action is its own column to group by; findings (PII type -> count,
 * never values) stay JSON text like the other nested fields.
 */
import type { Kysely, Migration } from 'kysely';

export const requestPrivacy002: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('requests').addColumn('privacy_action', 'text').execute();
    await db.schema.alterTable('requests').addColumn('privacy_findings', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('requests').dropColumn('privacy_findings').execute();
    await db.schema.alterTable('requests').dropColumn('privacy_action').execute();
  },
};
