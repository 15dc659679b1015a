// Shared plumbing of the client scripts: configuration from the environment, one JSON object per line on
// stdout, error shapes with SQLSTATE/code, checks, and the exit code. See README.md for the contract the
// Java side (io.tenantroute.proxy.clients.ClientPrograms) relies on.

import { randomInt } from 'node:crypto';

const SOURCES = ['set', 'startup', 'attribute', 'inference', 'none'];

/** Raised for a bad configuration: the script prints it and exits 2. */
export class ConfigError extends Error {}

function env(name, fallback) {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v;
}

export function intEnv(name, fallback, min = 0) {
  const raw = env(name, undefined);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer, was ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min) throw new ConfigError(`${name} must be >= ${min}, was ${n}`);
  return n;
}

export function boolEnv(name, fallback) {
  const raw = env(name, undefined);
  if (raw === undefined) return fallback;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new ConfigError(`${name} must be 1/0 or true/false, was ${JSON.stringify(raw)}`);
}

export function strEnv(name, fallback) {
  return env(name, fallback);
}

export function requiredEnv(name) {
  const v = env(name, undefined);
  if (v === undefined) throw new ConfigError(`${name} is required`);
  return v;
}

/**
 * Reads the connection and tenant settings every script shares.
 *
 * @param {'postgresql'|'mysql'} engine which protocol the script speaks; decides the defaults and the
 *        tenant sources it accepts
 */
export function readConfig(engine) {
  const pg = engine === 'postgresql';
  const source = env('TR_TENANT_SOURCE', 'none');
  if (!SOURCES.includes(source)) {
    throw new ConfigError(`TR_TENANT_SOURCE must be one of ${SOURCES.join('|')}, was ${JSON.stringify(source)}`);
  }
  if (pg && source === 'attribute') {
    throw new ConfigError('TR_TENANT_SOURCE=attribute is a MySQL connect attribute; PostgreSQL clients use set|startup|inference|none');
  }
  if (!pg && source === 'startup') {
    throw new ConfigError('TR_TENANT_SOURCE=startup is a PostgreSQL startup parameter; MySQL clients use set|attribute|inference|none');
  }
  // TR_TENANTS (comma-separated) names several tenants, for the writers; TR_TENANT defaults to the first.
  const tenants = env('TR_TENANTS', undefined)?.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const tenant = env('TR_TENANT', tenants?.[0]);
  if (source !== 'none' && tenant === undefined) {
    throw new ConfigError(`TR_TENANT is required with TR_TENANT_SOURCE=${source}`);
  }
  let tenantInSql;
  if (source === 'inference') tenantInSql = true;
  else if (source === 'none') tenantInSql = false;
  else tenantInSql = boolEnv('TR_TENANT_IN_SQL', true);
  if (source === 'inference' && env('TR_TENANT_IN_SQL', '1') !== '1') {
    throw new ConfigError('TR_TENANT_SOURCE=inference needs the tenant in the SQL (TR_TENANT_IN_SQL=1)');
  }
  return {
    engine,
    host: env('TR_HOST', '127.0.0.1'),
    port: intEnv('TR_PORT', pg ? 5432 : 3306, 1),
    user: env('TR_USER', pg ? 'postgres' : 'root'),
    password: env('TR_PASSWORD', ''),
    database: requiredEnv('TR_DATABASE'),
    source,
    tenant: source === 'none' ? (tenant ?? '') : tenant,
    tenants: tenants?.length ? tenants : [tenant ?? ''],
    tenantInSql,
    // Checks that hold only against the real database, never through the proxy: the server itself shows the
    // tenant setting (custom GUC / user variable; the proxy intercepts it) and its own prepared statements.
    directChecks: boolEnv('TR_DIRECT_CHECKS', false),
    idBase: intEnv('TR_ID_BASE', randomInt(1, 1_000_000) * 1_000_000_000, 1),
  };
}

/** The `options` startup parameter naming the tenant (PostgreSQL manual, "Connection Strings": -c name=value). */
export function startupOptions(tenant) {
  // In `options`, a backslash escapes a space or another backslash.
  return '-c tenantroute.tenant=' + tenant.replace(/\\/g, '\\\\').replace(/ /g, '\\ ');
}

/** What a script reports about its settings, never the password. */
export function describeConfig(cfg) {
  return {
    host: cfg.host, port: cfg.port, user: cfg.user, database: cfg.database,
    source: cfg.source, tenant: cfg.tenant, tenants: cfg.tenants, tenantInSql: cfg.tenantInSql, idBase: cfg.idBase,
  };
}

function jsonValue(_key, value) {
  return typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value;
}

/** Prints one JSON object on one line. */
export function emit(obj) {
  process.stdout.write(JSON.stringify(obj, jsonValue) + '\n');
}

/**
 * The SQLSTATE, vendor code and message of an error from any of the libraries used here (node-postgres,
 * postgres.js, mysql2, mariadb, Prisma's driver adapters), or of a socket error.
 */
export function describeError(err) {
  if (err == null) return { sqlstate: null, code: null, message: String(err) };
  // Prisma wraps the driver's error: PrismaClientKnownRequestError.meta.driverAdapterError.cause.
  const cause = err.meta?.driverAdapterError?.cause ?? err.cause?.cause ?? null;
  if (cause && (cause.originalCode !== undefined || cause.code !== undefined)) {
    const originalCode = cause.originalCode ?? cause.code;
    const sqlstate = cause.sqlState ?? cause.state
        ?? (typeof originalCode === 'string' && /^[0-9A-Z]{5}$/.test(originalCode) ? originalCode : null);
    return {
      sqlstate,
      code: originalCode,
      message: cause.originalMessage ?? cause.message ?? err.message,
      prismaCode: err.code ?? null,
      kind: cause.kind ?? null,
    };
  }
  // mysql2 / mariadb: errno + sqlState; node-postgres / postgres.js: code is the SQLSTATE.
  if (err.errno !== undefined && (err.sqlState !== undefined || err.sqlMessage !== undefined)) {
    return { sqlstate: err.sqlState ?? null, code: err.errno, message: err.sqlMessage ?? err.text ?? err.message };
  }
  if (typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) {
    return { sqlstate: err.code, code: err.code, message: err.message };
  }
  return { sqlstate: null, code: err.code ?? err.name ?? null, message: err.message ?? String(err) };
}

/**
 * Counts errors and failed checks and prints each as it happens; {@link Report#finish} prints the summary
 * line and sets the exit code.
 */
export class Report {
  constructor(script, cfg) {
    this.script = script;
    this.errors = 0;
    this.mismatches = 0;
    this.counts = {};
    this.extra = {};
    if (cfg) emit({ type: 'config', script, ...describeConfig(cfg) });
  }

  error(op, err, extra = {}) {
    this.errors++;
    emit({ type: 'error', script: this.script, op, ...extra, ...describeError(err) });
  }

  /** Checks that `actual` deep-equals `expected` (after JSON normalisation); prints a mismatch otherwise. */
  check(op, expected, actual, extra = {}) {
    const e = JSON.stringify(expected, jsonValue);
    const a = JSON.stringify(actual, jsonValue);
    if (e !== a) {
      this.mismatches++;
      emit({ type: 'mismatch', script: this.script, op, ...extra, expected: JSON.parse(e ?? 'null'), actual: JSON.parse(a ?? 'null') });
      return false;
    }
    return true;
  }

  count(name, n = 1) {
    this.counts[name] = (this.counts[name] ?? 0) + n;
  }

  result(name, value) {
    emit({ type: 'result', script: this.script, name, value });
  }

  /** Adds fields to the summary line. */
  summarize(fields) {
    Object.assign(this.extra, fields);
  }

  finish() {
    const ok = this.errors === 0 && this.mismatches === 0;
    emit({ type: 'summary', script: this.script, ok, errors: this.errors, mismatches: this.mismatches, counts: this.counts, ...this.extra });
    process.exitCode = this.finishExitCode ?? (ok ? 0 : 1);
  }
}

/**
 * Runs a script: reads the shared configuration, prints it (a `config` line), runs `body(cfg, report)` and
 * prints the summary. A bad configuration prints an error line and a summary and exits 2; an exception that
 * escapes the body counts as an error (exit 1).
 */
export async function run(script, engine, body) {
  let report = null;
  try {
    const cfg = readConfig(engine);
    report = new Report(script, cfg);
    await body(cfg, report);
    report.finish();
  } catch (err) {
    if (err instanceof ConfigError) {
      emit({ type: 'error', script, op: 'config', sqlstate: null, code: 'CONFIG', message: err.message });
      emit({ type: 'summary', script, ok: false, errors: 1, mismatches: 0, counts: report?.counts ?? {} });
      process.exitCode = 2;
      return;
    }
    report ??= new Report(script);
    report.error('fatal', err);
    report.finish();
  }
}
