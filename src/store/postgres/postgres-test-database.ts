/**
 * Test support: a throwaway PostgreSQL schema per store under test, so parallel test files (and parallel
 * CI runs on one server) never see each other's rows. Every schema created here is dropped by dropAll().
 * The server is the real one on 127.0.0.1:5432 (trust auth, database `test`) unless
 * TANDEM_TEST_DATABASE_URL points elsewhere.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TANDEM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why a test that needs PostgreSQL must skip (its message names the URL and the cause), or false when it is up. */
export async function postgresSkipReason(url = TEST_DATABASE_URL): Promise<string | false> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return false;
  } catch (error) {
    return `PostgreSQL is not reachable at ${url} (${error instanceof Error ? error.message : String(error)}); .ci/run starts it`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestSchemas {
  /** A fresh schema name (`tandem_test_<random>`); the store creates the schema when it opens. */
  create(): string;
  /** Drops every schema create() named, with everything in it. */
  dropAll(): Promise<void>;
}

export function testSchemas(url = TEST_DATABASE_URL): TestSchemas {
  const names: string[] = [];
  return {
    create() {
      const name = `tandem_test_${randomBytes(6).toString('hex')}`;
      names.push(name);
      return name;
    },
    async dropAll() {
      if (names.length === 0) return;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const name of names.splice(0)) await client.query(`drop schema if exists ${name} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
