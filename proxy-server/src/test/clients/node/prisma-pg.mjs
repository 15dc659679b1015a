// Prisma 7 (Rust-free client, `prisma-client` generator) over @prisma/adapter-pg: see lib/prisma-body.mjs.
// Needs the generated client (node prisma-generate.mjs pg). Tables: items, invoices, invoice_lines.

import { existsSync } from 'node:fs';
import { run, intEnv, ConfigError } from './lib/common.mjs';
import { tenantPool } from './lib/pg.mjs';
import { prismaBody } from './lib/prisma-body.mjs';

const clientPath = new URL('./generated/prisma-pg/client.js', import.meta.url);

await run('prisma-pg', 'postgresql', async (cfg, report) => {
  if (!existsSync(clientPath)) throw new ConfigError('generated/prisma-pg is missing: run node prisma-generate.mjs pg');
  const { PrismaClient } = await import(clientPath);
  const { PrismaPg } = await import('@prisma/adapter-pg');
  // The adapter takes a pg.Pool: in `set` mode each new connection gets the SET first; in `startup` mode
  // the pool's config carries options=-c tenantroute.tenant=….
  const pool = tenantPool(cfg, report, { max: intEnv('TR_POOL', 4, 1) });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  try {
    await prismaBody(prisma, cfg, report, "SELECT current_setting('tenantroute.tenant', true) AS t");
  } finally {
    await prisma.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
  }
});
