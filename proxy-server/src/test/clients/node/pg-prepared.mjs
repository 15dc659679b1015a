// node-postgres: TR_CLIENTS clients, each on its own pg.Client, each running TR_ITERATIONS rounds of a named
// prepared INSERT, a named prepared UPDATE, an unnamed parameterized SELECT and a simple-protocol count,
// then one transaction that commits and one that rolls back. Every result is checked.
// Table: items (id bigint primary key, tenant_id varchar not null default '', name text, qty int).

import { run, intEnv } from './lib/common.mjs';
import { connectClient, checkTenantEcho } from './lib/pg.mjs';
import pg from 'pg';

await run('pg-prepared', 'postgresql', async (cfg, report) => {
  const clients = intEnv('TR_CLIENTS', 24, 1);
  const iterations = intEnv('TR_ITERATIONS', 20, 1);
  if (clients > 999 || iterations > 899_999) throw new Error('TR_CLIENTS ≤ 999 and TR_ITERATIONS ≤ 899999');
  const t = cfg.tenant;
  const inSql = cfg.tenantInSql;
  const rowTenant = inSql ? t : '';

  const insertNamed = inSql
    ? 'INSERT INTO items (id, tenant_id, name, qty) VALUES ($1, $2, $3, $4) RETURNING id, tenant_id, name, qty'
    : 'INSERT INTO items (id, name, qty) VALUES ($1, $2, $3) RETURNING id, tenant_id, name, qty';
  const updateNamed = inSql
    ? 'UPDATE items SET qty = qty + $3 WHERE id = $1 AND tenant_id = $2 RETURNING qty'
    : 'UPDATE items SET qty = qty + $2 WHERE id = $1 RETURNING qty';
  const selectOne = inSql
    ? 'SELECT id, tenant_id, name, qty FROM items WHERE tenant_id = $1 AND id = $2'
    : 'SELECT id, tenant_id, name, qty FROM items WHERE id = $1';
  const insert = (id, name, qty) => ({ name: 'tr_item_insert', text: insertNamed, values: inSql ? [id, t, name, qty] : [id, name, qty] });
  const update = (id, delta) => ({ name: 'tr_item_add_qty', text: updateNamed, values: inSql ? [id, t, delta] : [id, delta] });
  const select = (id) => ({ text: selectOne, values: inSql ? [t, id] : [id] });
  // The simple protocol carries no parameters: the tenant goes in as a literal through pg's own escaping.
  const countSimple = (lo, hi) => `SELECT count(*)::int AS n, coalesce(sum(qty), 0)::int AS s FROM items WHERE `
      + (inSql ? `tenant_id = ${pg.escapeLiteral(t)} AND ` : '') + `id BETWEEN ${lo} AND ${hi}`;

  async function runClient(c) {
    const base = cfg.idBase + c * 1_000_000;
    let client;
    try {
      client = await connectClient(cfg);
      await checkTenantEcho(client, cfg, report, { client: c });
    } catch (err) {
      report.error('connect', err, { client: c });
      return;
    }
    const q = async (op, query, extra) => {
      try {
        report.count('queries');
        return await client.query(query);
      } catch (err) {
        report.error(op, err, { client: c, ...extra });
        return null;
      }
    };
    let qtySum = 0;
    for (let i = 0; i < iterations; i++) {
      const id = base + i;
      const name = `c${c}-i${i}`;
      const qty = i + 1;
      const at = { client: c, iteration: i };
      let r = await q('named-insert', insert(id, name, qty), at);
      if (r) report.check('named-insert', [{ id: String(id), tenant_id: rowTenant, name, qty }], r.rows, at);
      r = await q('named-update', update(id, 10), at);
      if (r) report.check('named-update', [{ qty: qty + 10 }], r.rows, at);
      qtySum += qty + 10;
      r = await q('unnamed-select', select(id), at);
      if (r) report.check('unnamed-select', [{ id: String(id), tenant_id: rowTenant, name, qty: qty + 10 }], r.rows, at);
      r = await q('simple-count', countSimple(base, base + 899_999), at);
      if (r) report.check('simple-count', [{ n: i + 1, s: qtySum }], r.rows, at);
    }

    // A transaction that commits: two named inserts and an unnamed update, visible afterwards.
    const a = base + 900_000;
    const b = base + 900_001;
    const at = { client: c };
    let ok = (await q('tx-begin', 'BEGIN', at)) !== null;
    ok = ok && (await q('tx-insert', insert(a, `c${c}-tx-a`, 1), at)) !== null;
    ok = ok && (await q('tx-insert', insert(b, `c${c}-tx-b`, 2), at)) !== null;
    ok = ok && (await q('tx-update', { text: 'UPDATE items SET qty = qty * 100 WHERE id IN ($1, $2)', values: [a, b] }, at)) !== null;
    ok = ok && (await q('tx-commit', 'COMMIT', at)) !== null;
    if (!ok) await client.query('ROLLBACK').catch(() => {});
    let r = await q('tx-read', inSql
      ? { text: 'SELECT id, qty FROM items WHERE tenant_id = $1 AND id IN ($2, $3) ORDER BY id', values: [t, a, b] }
      : { text: 'SELECT id, qty FROM items WHERE id IN ($1, $2) ORDER BY id', values: [a, b] }, at);
    if (r) report.check('tx-commit-visible', [{ id: String(a), qty: 100 }, { id: String(b), qty: 200 }], r.rows, at);

    // A transaction that rolls back: its row is seen inside it and gone afterwards.
    const d = base + 900_002;
    ok = (await q('rb-begin', 'BEGIN', at)) !== null;
    ok = ok && (await q('rb-insert', insert(d, `c${c}-rb`, 3), at)) !== null;
    r = ok ? await q('rb-read-inside', select(d), at) : null;
    if (r) report.check('rb-visible-inside', 1, r.rowCount, at);
    await q('rb-rollback', 'ROLLBACK', at);
    r = await q('rb-read-after', select(d), at);
    if (r) report.check('rb-gone-after', 0, r.rowCount, at);
    if (r) report.count('rolledBack');

    if (cfg.directChecks) {
      // The named statements live on this server connection (a proxy's clients never see the server's).
      r = await q('prepared-list', "SELECT name FROM pg_prepared_statements WHERE name LIKE 'tr_item_%' ORDER BY name", at);
      if (r) report.check('server-prepared', [{ name: 'tr_item_add_qty' }, { name: 'tr_item_insert' }], r.rows, at);
    }
    await client.end().catch(() => {});
    report.count('clientsDone');
  }

  await Promise.all(Array.from({ length: clients }, (_, c) => runClient(c)));
  report.summarize({ clients, iterations, rowsExpected: clients * (iterations + 2), idBase: cfg.idBase });
});
