// mysql2: TR_CLIENTS concurrent clients over one pool of TR_POOL connections, each running TR_ITERATIONS
// rounds of a text-protocol INSERT (`query`, values escaped by mysql2), a server-side prepared SELECT and
// UPDATE (`execute`, binary protocol; JS numbers go as DOUBLE), and a text-protocol count; then
// TR_PIPELINED concurrent `execute`s on one connection, a transaction that commits and one that rolls back.
// TR_TENANT_BIND=number binds the tenant as a JS number (mysql2 sends a DOUBLE: a numeric tenant `3`
// arrives as 3.0). Table: items (id bigint primary key, tenant_id varchar not null default '', name, qty).

import mysql from 'mysql2/promise';
import { run, intEnv, strEnv, ConfigError } from './lib/common.mjs';

await run('mysql2', 'mysql', async (cfg, report) => {
  const clients = intEnv('TR_CLIENTS', 30, 1);
  const iterations = intEnv('TR_ITERATIONS', 5, 1);
  const poolSize = intEnv('TR_POOL', 4, 1);
  const pipelined = intEnv('TR_PIPELINED', 50, 1);
  if (clients > 999 || iterations > 899_999) throw new ConfigError('TR_CLIENTS ≤ 999 and TR_ITERATIONS ≤ 899999');
  const bind = strEnv('TR_TENANT_BIND', 'string');
  if (bind !== 'string' && bind !== 'number') throw new ConfigError(`TR_TENANT_BIND must be string|number, was ${bind}`);
  if (bind === 'number' && !/^-?\d+$/.test(cfg.tenant)) throw new ConfigError(`TR_TENANT_BIND=number needs an integer tenant, was ${cfg.tenant}`);
  const t = cfg.tenant;
  const tb = bind === 'number' ? Number(t) : t;
  const inSql = cfg.tenantInSql;
  const rowTenant = inSql ? t : '';
  const tw = inSql ? 'tenant_id = ? AND ' : '';
  const tv = inSql ? [tb] : [];

  const options = {
    host: cfg.host,
    port: cfg.port,
    user: cfg.user,
    password: cfg.password,
    database: cfg.database,
    // Sent in the handshake response (MySQL protocol "Connection Attributes").
    connectAttributes: cfg.source === 'attribute' ? { 'tenantroute.tenant': t } : undefined,
    supportBigNumbers: true,
    bigNumberStrings: true,
  };
  const setTenant = 'SET @tenantroute_tenant = ' + mysql.escape(t);
  const pool = mysql.createPool({ ...options, connectionLimit: poolSize, waitForConnections: true });
  if (cfg.source === 'set') {
    // mysql2 emits 'connection' before it hands a new connection out; the SET is queued ahead of the caller's.
    pool.on('connection', (conn) => conn.query(setTenant, (err) => { if (err) report.error('set-tenant', err); }));
  }
  const base = cfg.idBase;

  async function directChecks(conn, label) {
    if (!cfg.directChecks) return;
    const [rows] = await conn.query('SELECT @tenantroute_tenant AS t');
    if (report.check('tenant-echo', cfg.source === 'set' ? t : null, rows[0].t, { on: label })) report.count('tenantEchoChecked');
    if (cfg.source === 'attribute') {
      const [[ps]] = await conn.query('SELECT @@performance_schema AS on_');
      if (Number(ps.on_) === 1) {
        const [attrs] = await conn.query("SELECT ATTR_VALUE AS v FROM performance_schema.session_connect_attrs WHERE PROCESSLIST_ID = CONNECTION_ID() AND ATTR_NAME = 'tenantroute.tenant'");
        report.check('attribute-echo', [{ v: t }], attrs, { on: label });
      } else {
        report.result('attribute-echo', 'unavailable: performance_schema is OFF on this server');
      }
    }
  }

  try {
    const c0 = await pool.getConnection();
    try {
      await directChecks(c0, 'pool');
    } finally {
      c0.release();
    }

    async function runClient(c) {
      const lo = base + c * 1_000_000;
      const at = (i) => ({ client: c, iteration: i });
      const q = async (op, fn, extra) => {
        try {
          report.count('queries');
          return await fn();
        } catch (err) {
          report.error(op, err, extra);
          return null;
        }
      };
      for (let i = 0; i < iterations; i++) {
        const id = lo + i;
        const name = `m${c}-i${i}`;
        let r = await q('query-insert', () => inSql
          ? pool.query('INSERT INTO items (id, tenant_id, name, qty) VALUES (?, ?, ?, ?)', [id, tb, name, i])
          : pool.query('INSERT INTO items (id, name, qty) VALUES (?, ?, ?)', [id, name, i]), at(i));
        if (r) report.check('query-insert', 1, r[0].affectedRows, at(i));
        r = await q('execute-select', () => pool.execute(`SELECT id, tenant_id, name, qty FROM items WHERE ${tw}id = ?`, [...tv, id]), at(i));
        if (r) report.check('execute-select', [{ id: String(id), tenant_id: rowTenant, name, qty: i }], r[0], at(i));
        r = await q('execute-update', () => pool.execute(`UPDATE items SET qty = qty + ? WHERE ${tw}id = ?`, [100, ...tv, id]), at(i));
        if (r) report.check('execute-update', 1, r[0].affectedRows, at(i));
        r = await q('query-count', () => pool.query(`SELECT count(*) AS n, sum(qty) AS s FROM items WHERE ${tw}id BETWEEN ? AND ?`, [...tv, lo, lo + 899_999]), at(i));
        if (r) report.check('query-count', [{ n: String(i + 1), s: String((i + 1) * 100 + (i * (i + 1)) / 2) }], r[0].map((x) => ({ n: String(x.n), s: String(x.s) })), at(i));
      }
      report.count('clientsDone');
    }
    await Promise.all(Array.from({ length: clients }, (_, c) => runClient(c)));

    // Pipelined executes: all issued at once on one connection (mysql2 queues them on it).
    const one = await mysql.createConnection(options);
    try {
      if (cfg.source === 'set') await one.query(setTenant);
      await directChecks(one, 'single');
      const lo = base;
      await Promise.all(Array.from({ length: pipelined }, (_, i) =>
        one.execute(`SELECT ? + 0 AS v, count(*) AS n FROM items WHERE ${tw}id >= ? AND id < ?`, [i, ...tv, lo, lo + iterations]).then(
          ([rows]) => { report.count('pipelined'); report.check('pipelined', [{ v: i, n: String(iterations) }], rows.map((x) => ({ v: Number(x.v), n: String(x.n) })), { i }); },
          (err) => report.error('pipelined', err, { i }))));
      if (cfg.directChecks) {
        const [[s]] = await one.query("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'");
        report.check('server-prepared', true, Number(s.Value) >= 1);
      }
    } finally {
      await one.end().catch(() => {});
    }

    // A transaction that commits and one that rolls back, on a pool connection.
    const a = base + 999_000_000;
    const conn = await pool.getConnection();
    try {
      await conn.beginTransaction();
      for (const [k, id] of [a, a + 1].entries()) {
        await (inSql
          ? conn.execute('INSERT INTO items (id, tenant_id, name, qty) VALUES (?, ?, ?, ?)', [id, tb, `m-tx-${k}`, k])
          : conn.execute('INSERT INTO items (id, name, qty) VALUES (?, ?, ?)', [id, `m-tx-${k}`, k]));
      }
      await conn.execute(`UPDATE items SET qty = qty + 7 WHERE ${tw}id IN (?, ?)`, [...tv, a, a + 1]);
      await conn.commit();
      report.count('committed');
      const [rows] = await pool.execute(`SELECT id, qty FROM items WHERE ${tw}id IN (?, ?) ORDER BY id`, [...tv, a, a + 1]);
      report.check('tx-commit-visible', [{ id: String(a), qty: 7 }, { id: String(a + 1), qty: 8 }], rows);

      const b = a + 2;
      await conn.beginTransaction();
      await (inSql
        ? conn.execute('INSERT INTO items (id, tenant_id, name, qty) VALUES (?, ?, ?, ?)', [b, tb, 'm-rb', 0])
        : conn.execute('INSERT INTO items (id, name, qty) VALUES (?, ?, ?)', [b, 'm-rb', 0]));
      const [inside] = await conn.execute('SELECT count(*) AS n FROM items WHERE id = ?', [b]);
      report.check('rb-visible-inside', '1', String(inside[0].n));
      await conn.rollback();
      const [after] = await pool.execute(`SELECT count(*) AS n FROM items WHERE ${tw}id = ?`, [...tv, b]);
      if (report.check('rb-gone-after', '0', String(after[0].n))) report.count('rolledBack');
    } catch (err) {
      report.error('transaction', err);
      await conn.rollback().catch(() => {});
    } finally {
      conn.release();
    }
  } finally {
    await pool.end().catch(() => {});
  }
  report.summarize({ clients, iterations, pool: poolSize, rowsExpected: clients * iterations + 2, idBase: base });
});
