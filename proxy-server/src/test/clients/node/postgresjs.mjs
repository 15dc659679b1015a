// postgres.js with its defaults (automatic prepared statements): TR_QUERIES concurrent inserts and selects
// over a pool of TR_POOL connections, TR_QUERIES pipelined selects on one connection (max: 1), a pipelined
// sql.begin that commits, an sql.begin that throws (rolled back) and one that calls sql.rollback().
// Table: items (id bigint primary key, tenant_id varchar not null default '', name text, qty int).

import postgres from 'postgres';
import pg from 'pg';
import { run, intEnv, startupOptions } from './lib/common.mjs';

await run('postgresjs', 'postgresql', async (cfg, report) => {
  const poolSize = intEnv('TR_POOL', 4, 1);
  const n = intEnv('TR_QUERIES', 50, 1);
  const t = cfg.tenant;
  const inSql = cfg.tenantInSql;
  const rowTenant = inSql ? t : '';
  const options = (max) => ({
    host: cfg.host,
    port: cfg.port,
    database: cfg.database,
    username: cfg.user,
    password: cfg.password,
    max,
    idle_timeout: 0,
    onnotice: false,
    // `connection` holds startup parameters (postgres.js README, "All Postgres options").
    connection: cfg.source === 'startup'
      ? { application_name: 'tenantroute-client-tests', options: startupOptions(t) }
      : { application_name: 'tenantroute-client-tests' },
  });

  // postgres.js has no per-connection hook: in `set` mode every connection of the pool is reserved at once
  // (so the pool opens all of them), given the SET, and released; idle_timeout 0 keeps them. postgres.js has
  // no literal escaping of its own (it sends values as parameters, which SET does not take), so the value
  // goes in through node-postgres' escapeLiteral.
  async function prepareSessions(sql, max, label) {
    const reserved = await Promise.all(Array.from({ length: max }, () => sql.reserve()));
    try {
      for (const [i, r] of reserved.entries()) {
        if (cfg.source === 'set') await r.unsafe('SET tenantroute.tenant = ' + pg.escapeLiteral(t));
        if (cfg.directChecks) {
          const [{ v }] = await r`SELECT current_setting('tenantroute.tenant', true) AS v`;
          const expected = cfg.source === 'set' || cfg.source === 'startup' ? t : null;
          if (report.check('tenant-echo', expected, v === '' ? null : v, { pool: label, connection: i })) report.count('tenantEchoChecked');
        }
      }
    } finally {
      for (const r of reserved) r.release();
    }
  }

  const sql = postgres(options(poolSize));
  const one = postgres(options(1));
  const base = cfg.idBase;
  try {
    await prepareSessions(sql, poolSize, 'pool');
    await prepareSessions(one, 1, 'single');

    // Concurrent inserts over the pool (more queries than connections: postgres.js pipelines the rest).
    const inserts = Array.from({ length: n }, (_, i) => {
      const id = base + i;
      const q = inSql
        ? sql`INSERT INTO items (id, tenant_id, name, qty) VALUES (${id}, ${t}, ${'pj-' + i}, ${i}) RETURNING id, tenant_id, qty`
        : sql`INSERT INTO items (id, name, qty) VALUES (${id}, ${'pj-' + i}, ${i}) RETURNING id, tenant_id, qty`;
      return q.then(
        (rows) => { report.count('inserted'); report.check('insert', [{ id: String(id), tenant_id: rowTenant, qty: i }], rows.map((r) => ({ ...r, id: String(r.id) })), { i }); },
        (err) => report.error('insert', err, { i }));
    });
    await Promise.all(inserts);

    // Concurrent selects, each of its own row, over the pool.
    await Promise.all(Array.from({ length: n }, (_, i) => {
      const id = base + i;
      const q = inSql
        ? sql`SELECT name, qty FROM items WHERE tenant_id = ${t} AND id = ${id}`
        : sql`SELECT name, qty FROM items WHERE id = ${id}`;
      return q.then(
        (rows) => { report.count('selected'); report.check('select', [{ name: 'pj-' + i, qty: i }], [...rows], { i }); },
        (err) => report.error('select', err, { i }));
    }));

    // Pipelining on one connection: all n queries are sent before the first answer is read.
    await Promise.all(Array.from({ length: n }, (_, i) => {
      const q = inSql
        ? one`SELECT ${i}::int AS i, count(*)::int AS c FROM items WHERE tenant_id = ${t} AND id >= ${base} AND id < ${base + n}`
        : one`SELECT ${i}::int AS i, count(*)::int AS c FROM items WHERE id >= ${base} AND id < ${base + n}`;
      return q.then(
        (rows) => { report.count('pipelined'); report.check('pipelined', [{ i, c: n }], [...rows], { i }); },
        (err) => report.error('pipelined', err, { i }));
    }));

    if (cfg.directChecks) {
      // Automatic prepares: the pipelined statement is a named prepared statement on the one connection.
      const [{ c }] = await one`SELECT count(*)::int AS c FROM pg_prepared_statements WHERE statement LIKE '%AS i, count(*)::int AS c FROM items%' AND statement NOT LIKE '%pg_prepared_statements%'`;
      report.check('server-prepared', 1, c);
    }

    // sql.begin with its queries pipelined, committed.
    const a = base + 900_000;
    const b = base + 900_001;
    try {
      await sql.begin((tx) => inSql
        ? [tx`INSERT INTO items (id, tenant_id, name, qty) VALUES (${a}, ${t}, 'pj-tx-a', 1)`,
           tx`INSERT INTO items (id, tenant_id, name, qty) VALUES (${b}, ${t}, 'pj-tx-b', 2)`,
           tx`UPDATE items SET qty = qty * 100 WHERE tenant_id = ${t} AND id IN (${a}, ${b})`]
        : [tx`INSERT INTO items (id, name, qty) VALUES (${a}, 'pj-tx-a', 1)`,
           tx`INSERT INTO items (id, name, qty) VALUES (${b}, 'pj-tx-b', 2)`,
           tx`UPDATE items SET qty = qty * 100 WHERE id IN (${a}, ${b})`]);
      report.count('committed');
    } catch (err) {
      report.error('begin-commit', err);
    }
    const committed = inSql
      ? await sql`SELECT id, qty FROM items WHERE tenant_id = ${t} AND id IN (${a}, ${b}) ORDER BY id`
      : await sql`SELECT id, qty FROM items WHERE id IN (${a}, ${b}) ORDER BY id`;
    report.check('begin-commit-visible', [{ id: String(a), qty: 100 }, { id: String(b), qty: 200 }],
        committed.map((r) => ({ id: String(r.id), qty: r.qty })));

    // sql.begin whose callback throws: rolled back, the error reaches the caller.
    const c = base + 900_002;
    let thrown = null;
    try {
      await sql.begin(async (tx) => {
        if (inSql) await tx`INSERT INTO items (id, tenant_id, name, qty) VALUES (${c}, ${t}, 'pj-rb', 3)`;
        else await tx`INSERT INTO items (id, name, qty) VALUES (${c}, 'pj-rb', 3)`;
        const inside = await tx`SELECT count(*)::int AS n FROM items WHERE id = ${c}`;
        report.check('rollback-visible-inside', 1, inside[0].n);
        throw new Error('roll back on purpose');
      });
    } catch (err) {
      thrown = err.message;
    }
    report.check('rollback-error', 'roll back on purpose', thrown);
    // sql.rollback(): rolled back without an error.
    const d = base + 900_003;
    try {
      const saved = await sql.begin(async (tx) => {
        if (inSql) await tx`INSERT INTO items (id, tenant_id, name, qty) VALUES (${d}, ${t}, 'pj-rb2', 4)`;
        else await tx`INSERT INTO items (id, name, qty) VALUES (${d}, 'pj-rb2', 4)`;
        return (await tx.rollback(), 'rolled back');
      });
      report.check('rollback-result', 'rolled back', saved);
    } catch (err) {
      report.error('begin-rollback', err);
    }
    const gone = inSql
      ? await sql`SELECT count(*)::int AS n FROM items WHERE tenant_id = ${t} AND id IN (${c}, ${d})`
      : await sql`SELECT count(*)::int AS n FROM items WHERE id IN (${c}, ${d})`;
    if (report.check('rollback-gone', 0, gone[0].n)) report.count('rolledBack', 2);
  } finally {
    await Promise.all([sql.end({ timeout: 5 }), one.end({ timeout: 5 })]);
  }
  report.summarize({ queries: n, pool: poolSize, rowsExpected: n + 2, idBase: base });
});
