// node-postgres settings shared by the PostgreSQL scripts (pg-prepared, pg-writers, drizzle-pg, prisma-pg).

import pg from 'pg';
import { startupOptions } from './common.mjs';

/** A pg.Client / pg.Pool configuration; in `startup` mode it carries `options=-c tenantroute.tenant=…`. */
export function pgConfig(cfg, extra = {}) {
  const c = {
    host: cfg.host,
    port: cfg.port,
    user: cfg.user,
    password: cfg.password,
    database: cfg.database,
    application_name: 'tenantroute-client-tests',
    ...extra,
  };
  if (cfg.source === 'startup') c.options = startupOptions(cfg.tenant);
  return c;
}

/** The statement `set` mode sends after connecting; the tenant goes in through pg's own literal escaping. */
export function setTenantSql(cfg) {
  return 'SET tenantroute.tenant = ' + pg.escapeLiteral(cfg.tenant);
}

/** A connected pg.Client, with the session tenant set in `set` mode. */
export async function connectClient(cfg, extra = {}) {
  const client = new pg.Client(pgConfig(cfg, extra));
  // A connection the server (or a proxy) drops must not crash the script: the next query fails instead.
  client.on('error', () => {});
  await client.connect();
  if (cfg.source === 'set') await client.query(setTenantSql(cfg));
  return client;
}

/**
 * A pg.Pool whose every new connection gets the session tenant in `set` mode before the pool hands it out
 * (pg-pool's `onConnect` hook, awaited; a failing hook fails that checkout).
 */
export function tenantPool(cfg, report, extra = {}) {
  const options = pgConfig(cfg, extra);
  if (cfg.source === 'set') options.onConnect = (client) => client.query(setTenantSql(cfg));
  const pool = new pg.Pool(options);
  pool.on('error', () => {});
  return pool;
}

/**
 * With TR_DIRECT_CHECKS=1 (a real database only): the server's current_setting('tenantroute.tenant')
 * must be the tenant in `set`/`startup` mode and unset otherwise — proof that the script really sent it.
 */
export async function checkTenantEcho(queryable, cfg, report, extra = {}) {
  if (!cfg.directChecks) return;
  const r = await queryable.query("SELECT current_setting('tenantroute.tenant', true) AS t");
  const expected = cfg.source === 'set' || cfg.source === 'startup' ? cfg.tenant : null;
  const actual = r.rows[0].t === '' ? null : r.rows[0].t;
  if (report.check('tenant-echo', expected, actual, extra)) report.count('tenantEchoChecked');
}
