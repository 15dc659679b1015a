// node-postgres writers for the correctness tests: TR_WRITERS writers, each on its own pg.Client, writer w
// writing for tenant TR_TENANTS[w % n]. Each writes rows with unique ids until TR_STOP_FILE exists, SIGTERM
// arrives, TR_DURATION_MS passes (0: no limit) or TR_MAX_OPS operations are done: TR_TX_PERCENT % of the
// operations are an explicit transaction (BEGIN; an invoice; 1–3 invoice_lines, which have no tenant
// column; COMMIT), the rest an autocommit insert into items. Every acknowledged write is appended to
// TR_LEDGER as one JSON line per row ({"id","tenant","table","writer"}), written right after the
// acknowledgement (after COMMIT for a transaction). An error is printed with its SQLSTATE and the writer
// goes on (a broken connection is reopened); the summary counts them. Exit 0 when the writers ran to their
// end, whatever errors they met; 1 on a fatal error; 2 on a bad configuration.
// Ids: items and invoices TR_ID_BASE + w·10^7 + seq, lines invoice id·4 + k.

import { openSync, writeSync, closeSync, existsSync } from 'node:fs';
import { run, intEnv, strEnv, requiredEnv, ConfigError, emit } from './lib/common.mjs';
import { connectClient } from './lib/pg.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

await run('pg-writers', 'postgresql', async (cfg, report) => {
  if (cfg.source === 'none') throw new ConfigError('the writers write tenant rows: TR_TENANT_SOURCE must be set|startup|inference');
  const writers = intEnv('TR_WRITERS', 4, 1);
  const durationMs = intEnv('TR_DURATION_MS', 3000, 0);
  const maxOps = intEnv('TR_MAX_OPS', 0, 0);
  const txPercent = intEnv('TR_TX_PERCENT', 50, 0);
  const pauseMs = intEnv('TR_PAUSE_MS', 0, 0);
  const stopFile = strEnv('TR_STOP_FILE', undefined);
  const ledgerPath = requiredEnv('TR_LEDGER');
  if (writers > 90) throw new ConfigError('TR_WRITERS ≤ 90');
  if (durationMs === 0 && !stopFile && maxOps === 0) throw new ConfigError('set TR_DURATION_MS, TR_STOP_FILE or TR_MAX_OPS');
  const ledger = openSync(ledgerPath, 'a');
  const deadline = durationMs > 0 ? Date.now() + durationMs : Infinity;
  let stopping = false;
  process.on('SIGTERM', () => { stopping = true; });
  process.on('SIGINT', () => { stopping = true; });
  const stop = () => stopping || Date.now() >= deadline || (stopFile !== undefined && existsSync(stopFile));
  const acked = { items: 0, invoices: 0, invoice_lines: 0 };

  function record(rows, mine) {
    writeSync(ledger, rows.map((r) => JSON.stringify(r) + '\n').join(''));
    for (const r of rows) {
      acked[r.table]++;
      mine.acked[r.table]++;
    }
  }

  async function writer(w) {
    const tenant = cfg.tenants[w % cfg.tenants.length];
    const wcfg = { ...cfg, tenant };
    const mine = { acked: { items: 0, invoices: 0, invoice_lines: 0 }, errors: 0, reconnects: 0 };
    let client = null;
    let seq = 0;
    const fail = (op, err, extra) => { mine.errors++; report.error(op, err, { writer: w, tenant, ...extra }); };
    while (!stop() && (maxOps === 0 || seq < maxOps)) {
      if (client === null) {
        try {
          client = await connectClient(wcfg);
          client.on('end', () => { client && (client.ended = true); });
          if (mine.reconnects === 0 && seq === 0) emit({ type: 'ready', script: 'pg-writers', writer: w, tenant });
        } catch (err) {
          fail('connect', err);
          client = null;
          await sleep(50);
          continue;
        }
      }
      seq++;
      const id = cfg.idBase + w * 10_000_000 + seq;
      const tx = Math.random() * 100 < txPercent;
      let op = 'insert';
      try {
        if (!tx) {
          await client.query({ name: 'tr_w_item', text: 'INSERT INTO items (id, tenant_id, name, qty) VALUES ($1, $2, $3, $4)', values: [id, tenant, `w${w}-${seq}`, seq] });
          record([{ id, tenant, table: 'items', writer: w }], mine);
        } else {
          const lines = 1 + (seq % 3);
          op = 'begin';
          await client.query('BEGIN');
          op = 'insert-invoice';
          await client.query({ name: 'tr_w_invoice', text: 'INSERT INTO invoices (id, tenant_id, total) VALUES ($1, $2, $3)', values: [id, tenant, (lines * 2.5).toFixed(2)] });
          op = 'insert-line';
          for (let k = 0; k < lines; k++) {
            await client.query({ text: 'INSERT INTO invoice_lines (id, invoice_id, amount) VALUES ($1, $2, $3)', values: [id * 4 + k, id, '2.50'] });
          }
          op = 'commit';
          const r = await client.query('COMMIT');
          // A COMMIT of a failed transaction answers ROLLBACK: nothing was written.
          if (r.command !== 'COMMIT') throw Object.assign(new Error(`COMMIT answered ${r.command}`), { code: 'ROLLBACK' });
          record([{ id, tenant, table: 'invoices', writer: w },
            ...Array.from({ length: lines }, (_, k) => ({ id: id * 4 + k, tenant, table: 'invoice_lines', writer: w }))], mine);
        }
      } catch (err) {
        // After an error on COMMIT the outcome is unknown: `uncertain` lets the test allow for that row.
        fail(op, err, { id, table: tx ? 'invoices' : 'items', uncertain: op === 'commit' });
        if (client.ended || err.code === undefined || !/^[0-9A-Z]{5}$/.test(err.code)) {
          // The connection is gone (a socket error, not an SQL one): open a new one.
          await client.end().catch(() => {});
          client = null;
          mine.reconnects++;
          await sleep(20);
        } else if (tx) {
          await client.query('ROLLBACK').catch(() => {});
        }
      }
      if (pauseMs > 0) await sleep(pauseMs);
    }
    if (client) await client.end().catch(() => {});
    emit({ type: 'writer', script: 'pg-writers', writer: w, tenant, ops: seq, acked: mine.acked, errors: mine.errors, reconnects: mine.reconnects });
  }

  try {
    await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  } finally {
    closeSync(ledger);
  }
  report.summarize({ writers, tenants: cfg.tenants, acked, ledger: ledgerPath, idBase: cfg.idBase });
  // The writers' contract: exit 0 once they ran to their end; the errors are in the summary for the test.
  report.finishExitCode = 0;
});
