// drizzle-orm over node-postgres (a pg.Pool of TR_POOL): inserts, selects and updates outside a
// transaction (TR_ROWS rows, concurrently), then db.transaction() with an invoice and its lines (the child
// table has no tenant column) that commits, and one that calls tx.rollback(). Every result is checked.
// Tables: items, invoices, invoice_lines.

import { drizzle } from 'drizzle-orm/node-postgres';
import { pgTable, bigint, varchar, text, integer, numeric } from 'drizzle-orm/pg-core';
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { run, intEnv } from './lib/common.mjs';
import { tenantPool, checkTenantEcho } from './lib/pg.mjs';

const items = pgTable('items', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  tenantId: varchar('tenant_id', { length: 64 }).notNull().default(''),
  name: text('name').notNull(),
  qty: integer('qty').notNull(),
});
const invoices = pgTable('invoices', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  tenantId: varchar('tenant_id', { length: 64 }).notNull().default(''),
  total: numeric('total', { precision: 12, scale: 2 }).notNull(),
});
const invoiceLines = pgTable('invoice_lines', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  invoiceId: bigint('invoice_id', { mode: 'number' }).notNull(),
  amount: numeric('amount', { precision: 12, scale: 2 }).notNull(),
});

await run('drizzle-pg', 'postgresql', async (cfg, report) => {
  const rows = intEnv('TR_ROWS', 20, 1);
  const t = cfg.tenant;
  const inSql = cfg.tenantInSql;
  const rowTenant = inSql ? t : '';
  const tenant = inSql ? { tenantId: t } : {};
  const own = (table, ...conds) => (inSql ? and(eq(table.tenantId, t), ...conds) : and(...conds));
  const pool = tenantPool(cfg, report, { max: intEnv('TR_POOL', 4, 1) });
  const db = drizzle({ client: pool });
  const base = cfg.idBase;
  const step = async (op, fn, extra) => {
    try {
      const v = await fn();
      report.count(op);
      return v;
    } catch (err) {
      report.error(op, err, extra);
      return undefined;
    }
  };
  try {
    await checkTenantEcho(pool, cfg, report);

    // Outside a transaction, concurrently: insert … returning, select, update … returning.
    await Promise.all(Array.from({ length: rows }, async (_, i) => {
      const id = base + i;
      let r = await step('insert', () => db.insert(items).values({ id, ...tenant, name: `dz-${i}`, qty: i }).returning(), { i });
      if (r) report.check('insert', [{ id, tenantId: rowTenant, name: `dz-${i}`, qty: i }], r, { i });
      r = await step('select', () => db.select({ name: items.name, qty: items.qty }).from(items).where(own(items, eq(items.id, id))), { i });
      if (r) report.check('select', [{ name: `dz-${i}`, qty: i }], r, { i });
      r = await step('update', () => db.update(items).set({ qty: sql`${items.qty} + 1000` }).where(own(items, eq(items.id, id))).returning({ qty: items.qty }), { i });
      if (r) report.check('update', [{ qty: i + 1000 }], r, { i });
    }));
    let r = await step('select-range', () => db.select({ n: sql`count(*)::int`, s: sql`sum(${items.qty})::int` }).from(items)
        .where(own(items, gte(items.id, base), lt(items.id, base + rows))));
    if (r) report.check('select-range', [{ n: rows, s: rows * 1000 + (rows * (rows - 1)) / 2 }], r);

    // A transaction that commits: an invoice, its lines, an update of an item.
    const inv = base + 900_000;
    r = await step('tx-commit', () => db.transaction(async (tx) => {
      await tx.insert(invoices).values({ id: inv, ...tenant, total: '12.50' });
      await tx.insert(invoiceLines).values([{ id: inv * 4, invoiceId: inv, amount: '5.00' }, { id: inv * 4 + 1, invoiceId: inv, amount: '7.50' }]);
      await tx.update(items).set({ qty: 1 }).where(own(items, eq(items.id, base)));
      const [{ n }] = await tx.select({ n: sql`count(*)::int` }).from(invoiceLines).where(eq(invoiceLines.invoiceId, inv));
      return n;
    }));
    if (r !== undefined) report.check('tx-inside', 2, r);
    r = await step('tx-read', () => db.select({ total: invoices.total, tenantId: invoices.tenantId }).from(invoices).where(own(invoices, eq(invoices.id, inv))));
    if (r) report.check('tx-committed', [{ total: '12.50', tenantId: rowTenant }], r);
    r = await step('tx-read', () => db.select({ qty: items.qty }).from(items).where(own(items, eq(items.id, base))));
    if (r) report.check('tx-committed-update', [{ qty: 1 }], r);

    // A transaction that rolls back through tx.rollback(): drizzle throws TransactionRollbackError.
    const inv2 = base + 900_001;
    let thrown = null;
    try {
      await db.transaction(async (tx) => {
        await tx.insert(invoices).values({ id: inv2, ...tenant, total: '1.00' });
        await tx.insert(invoiceLines).values({ id: inv2 * 4, invoiceId: inv2, amount: '1.00' });
        await tx.update(items).set({ qty: -1 }).where(own(items, eq(items.id, base)));
        tx.rollback();
      });
    } catch (err) {
      thrown = err.constructor.name;
    }
    report.check('tx-rollback-error', 'TransactionRollbackError', thrown);
    r = await step('rb-read', () => db.select({ id: invoices.id }).from(invoices).where(own(invoices, eq(invoices.id, inv2))));
    if (r && report.check('tx-rolled-back', [], r)) report.count('rolledBack');
    r = await step('rb-read', () => db.select({ qty: items.qty }).from(items).where(own(items, eq(items.id, base))));
    if (r) report.check('tx-rollback-update-undone', [{ qty: 1 }], r);
  } finally {
    await pool.end().catch(() => {});
  }
  report.summarize({ rows, rowsExpected: { items: rows, invoices: 1, invoice_lines: 2 }, idBase: base });
});
