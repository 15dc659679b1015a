// What prisma-pg.mjs and prisma-mariadb.mjs both do through the generated Prisma client: create, find,
// update, delete, concurrent creates over the adapter's pool, an interactive transaction with a nested
// create of child rows (invoice_lines has no tenant column), an interactive transaction that throws, and
// a batch $transaction([...]). Every result is read back and checked.

import { intEnv } from './common.mjs';

const money = (d) => (d == null ? null : Number(d.toString()).toFixed(2));

/**
 * @param prisma a PrismaClient built with the driver adapter
 * @param cfg the shared configuration
 * @param report the Report
 * @param echoSql the SQL that shows the session's tenant setting, for TR_DIRECT_CHECKS
 */
export async function prismaBody(prisma, cfg, report, echoSql) {
  const t = cfg.tenant;
  const inSql = cfg.tenantInSql;
  const rowTenant = inSql ? t : '';
  const concurrency = intEnv('TR_CONCURRENCY', 10, 1);
  const base = cfg.idBase;
  const tenantWhere = inSql ? { tenantId: t } : {};
  const item = (id, name, qty) => ({ id: BigInt(id), ...tenantWhere, name, qty });
  const shape = (r) => (r == null ? null : { id: Number(r.id), tenantId: r.tenantId, name: r.name, qty: r.qty });
  const step = async (op, fn) => {
    try {
      const v = await fn();
      report.count(op);
      return v;
    } catch (err) {
      report.error(op, err);
      return undefined;
    }
  };

  if (cfg.directChecks) {
    const rows = await step('tenant-echo', () => prisma.$queryRawUnsafe(echoSql));
    if (rows) {
      const expected = cfg.source === 'set' || cfg.source === 'startup' ? t : null;
      const v = rows[0].t === '' ? null : rows[0].t;
      if (report.check('tenant-echo', expected, v)) report.count('tenantEchoChecked');
    }
  }

  // Create, find, update, delete.
  const a = base + 1;
  let r = await step('create', () => prisma.item.create({ data: item(a, 'prisma-a', 1) }));
  // A client that cannot connect fails every step only after the pool's acquire timeout: stop at the first.
  if (r === undefined) return;
  report.check('create', { id: a, tenantId: rowTenant, name: 'prisma-a', qty: 1 }, shape(r));
  r = await step('findFirst', () => prisma.item.findFirst({ where: { id: BigInt(a), ...tenantWhere } }));
  if (r !== undefined) report.check('findFirst', { id: a, tenantId: rowTenant, name: 'prisma-a', qty: 1 }, shape(r));
  r = await step('update', () => prisma.item.update({ where: { id: BigInt(a), ...tenantWhere }, data: { qty: { increment: 41 } } }));
  if (r) report.check('update', 42, r.qty);
  const b = base + 2;
  await step('create', () => prisma.item.create({ data: item(b, 'prisma-b', 2) }));
  r = await step('delete', () => prisma.item.delete({ where: { id: BigInt(b), ...tenantWhere } }));
  if (r) report.check('delete', b, Number(r.id));
  r = await step('findFirst', () => prisma.item.findFirst({ where: { id: BigInt(b), ...tenantWhere } }));
  if (r !== undefined) report.check('deleted-gone', null, r);

  // Concurrent creates, then one findMany over them.
  const lo = base + 100;
  await Promise.all(Array.from({ length: concurrency }, (_, i) =>
    step('create-concurrent', () => prisma.item.create({ data: item(lo + i, `prisma-c${i}`, i) }))));
  r = await step('findMany', () => prisma.item.findMany({
    where: { id: { gte: BigInt(lo), lt: BigInt(lo + concurrency) }, ...tenantWhere }, orderBy: { id: 'asc' } }));
  if (r) report.check('findMany', Array.from({ length: concurrency }, (_, i) => lo + i), r.map((x) => Number(x.id)));

  // Interactive transaction: an invoice with nested lines, an update, a read inside; committed.
  const inv = base + 200;
  r = await step('interactive-tx', () => prisma.$transaction(async (tx) => {
    await tx.invoice.create({
      data: {
        id: BigInt(inv), ...tenantWhere, total: '30.50',
        lines: { create: [{ id: BigInt(inv * 4), amount: '10.25' }, { id: BigInt(inv * 4 + 1), amount: '20.25' }] },
      },
    });
    await tx.item.update({ where: { id: BigInt(a), ...tenantWhere }, data: { qty: 43 } });
    return tx.invoiceLine.count({ where: { invoiceId: BigInt(inv) } });
  }));
  if (r !== undefined) report.check('interactive-tx-inside', 2, r);
  // The lines have no tenant column: read them in a transaction whose first statement names the tenant (an
  // autocommit read of a child table alone names no tenant, and through the proxy would go to shared).
  r = await step('read-invoice', () => prisma.$transaction(async (tx) => {
    const invoice = await tx.invoice.findFirst({ where: { id: BigInt(inv), ...tenantWhere } });
    const lines = await tx.invoiceLine.findMany({ where: { invoiceId: BigInt(inv) }, orderBy: { id: 'asc' } });
    return invoice && { ...invoice, lines };
  }));
  if (r) {
    report.check('interactive-tx-committed', { tenantId: rowTenant, total: '30.50', lines: ['10.25', '20.25'] },
        { tenantId: r.tenantId, total: money(r.total), lines: r.lines.map((l) => money(l.amount)) });
  }
  r = await step('findFirst', () => prisma.item.findFirst({ where: { id: BigInt(a), ...tenantWhere } }));
  if (r) report.check('interactive-tx-update', 43, r.qty);

  // Interactive transaction that throws: nothing of it stays.
  const inv2 = base + 201;
  let thrown = null;
  try {
    await prisma.$transaction(async (tx) => {
      await tx.invoice.create({ data: { id: BigInt(inv2), ...tenantWhere, total: '1.00', lines: { create: [{ id: BigInt(inv2 * 4), amount: '1.00' }] } } });
      await tx.item.update({ where: { id: BigInt(a), ...tenantWhere }, data: { qty: 0 } });
      throw new Error('roll back on purpose');
    });
  } catch (err) {
    thrown = err.message;
  }
  report.check('interactive-rollback-error', 'roll back on purpose', thrown);
  r = await step('count', () => prisma.invoice.count({ where: { id: BigInt(inv2), ...tenantWhere } }));
  if (r !== undefined && report.check('interactive-rollback-gone', 0, r)) report.count('rolledBack');
  r = await step('findFirst', () => prisma.item.findFirst({ where: { id: BigInt(a), ...tenantWhere } }));
  if (r) report.check('interactive-rollback-update-undone', 43, r.qty);

  // Batch transaction: one transaction of three queries.
  const c = base + 300;
  const d = base + 301;
  r = await step('batch-tx', () => prisma.$transaction([
    prisma.item.create({ data: item(c, 'prisma-batch-c', 3) }),
    prisma.item.create({ data: item(d, 'prisma-batch-d', 4) }),
    prisma.item.updateMany({ where: { id: { in: [BigInt(c), BigInt(d)] }, ...tenantWhere }, data: { qty: { multiply: 10 } } }),
  ]));
  if (r) report.check('batch-tx-result', 2, r[2].count);
  r = await step('findMany', () => prisma.item.findMany({ where: { id: { in: [BigInt(c), BigInt(d)] }, ...tenantWhere }, orderBy: { id: 'asc' } }));
  if (r) report.check('batch-tx-committed', [30, 40], r.map((x) => x.qty));

  // Rows left: a, the concurrent ones, c, d (items); one invoice with two lines.
  report.summarize({ rowsExpected: { items: 1 + concurrency + 2, invoices: 1, invoice_lines: 2 }, idBase: base });
}
