// Prisma 7 (Rust-free client, `prisma-client` generator) over @prisma/adapter-mariadb (the `mariadb`
// connector): see lib/prisma-body.mjs. Needs the generated client (node prisma-generate.mjs mariadb).
// Tables: items, invoices, invoice_lines.

import { existsSync } from 'node:fs';
import mysql2 from 'mysql2';
import { run, intEnv, ConfigError } from './lib/common.mjs';
import { prismaBody } from './lib/prisma-body.mjs';

const clientPath = new URL('./generated/prisma-mariadb/client.js', import.meta.url);

await run('prisma-mariadb', 'mysql', async (cfg, report) => {
  if (!existsSync(clientPath)) throw new ConfigError('generated/prisma-mariadb is missing: run node prisma-generate.mjs mariadb');
  const { PrismaClient } = await import(clientPath);
  const { PrismaMariaDb } = await import('@prisma/adapter-mariadb');
  const pool = {
    host: cfg.host,
    port: cfg.port,
    user: cfg.user,
    password: cfg.password,
    database: cfg.database,
    connectionLimit: intEnv('TR_POOL', 4, 1),
  };
  // `set`: the mariadb connector's initSql runs on every new connection. The connector escapes only
  // through a pool instance that already exists, so the literal comes from mysql2's escape (the same MySQL
  // string-literal rules). `attribute`: the connector's connectAttributes (sent in the handshake response).
  if (cfg.source === 'set') pool.initSql = 'SET @tenantroute_tenant = ' + mysql2.escape(cfg.tenant);
  if (cfg.source === 'attribute') pool.connectAttributes = { 'tenantroute.tenant': cfg.tenant };
  const prisma = new PrismaClient({ adapter: new PrismaMariaDb(pool) });
  try {
    await prismaBody(prisma, cfg, report, 'SELECT @tenantroute_tenant AS t');
  } finally {
    await prisma.$disconnect().catch(() => {});
  }
});
