// Generates the Prisma clients of prisma/<name>.prisma into generated/prisma-<name>/ and compiles them to
// JavaScript. Usage: node prisma-generate.mjs [pg] [mariadb]   (no argument: both)
//
// Offline: `prisma generate` wants its schema-engine binary from the internet and fails without it; the
// Rust-free client needs no engine, and with PRISMA_SCHEMA_ENGINE_BINARY pointing at any executable and
// PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING=1 the CLI generates it from the bundled WebAssembly schema tools.
// Prisma 7's `prisma-client` generator writes TypeScript; Node 20 cannot strip types, so each file is
// transpiled (TypeScript's transpileModule, no type check) next to itself as .js — the imports already say
// .js (importFileExtension = "js"). Prints one JSON line per client; exit 0 when all were generated.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = dirname(fileURLToPath(import.meta.url));
const names = process.argv.slice(2).length ? process.argv.slice(2) : ['pg', 'mariadb'];

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

let failed = false;
for (const name of names) {
  const schema = join(here, 'prisma', `${name}.prisma`);
  const out = join(here, 'generated', `prisma-${name}`);
  try {
    statSync(schema);
  } catch {
    console.log(JSON.stringify({ type: 'error', script: 'prisma-generate', op: 'schema', code: 'NO_SCHEMA', message: `no schema ${schema}` }));
    failed = true;
    continue;
  }
  rmSync(out, { recursive: true, force: true });
  const cli = join(here, 'node_modules', 'prisma', 'build', 'index.js');
  const r = spawnSync(process.execPath, [cli, 'generate', '--schema', schema, '--no-hints'], {
    cwd: here,
    encoding: 'utf8',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || '/bin/true',
      PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  if (r.status !== 0) {
    console.log(JSON.stringify({ type: 'error', script: 'prisma-generate', op: 'generate', client: name, code: r.status,
      message: (r.stderr + r.stdout).trim().slice(-4000) }));
    failed = true;
    continue;
  }
  const files = tsFiles(out);
  for (const f of files) {
    const js = ts.transpileModule(readFileSync(f, 'utf8'), {
      fileName: f,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    });
    writeFileSync(f.replace(/\.ts$/, '.js'), js.outputText);
  }
  // Written last: the harness regenerates when this file is missing or older than the schema.
  writeFileSync(join(out, 'GENERATED'), `${new Date().toISOString()} from prisma/${name}.prisma\n`);
  console.log(JSON.stringify({ type: 'result', script: 'prisma-generate', name: 'generated', value: { client: name, files: files.length } }));
}
process.exitCode = failed ? 1 : 0;
