// Runs bench/duckdb.sql with DuckDB (@duckdb/node-api) on a civisync-gen
// directory: node bench/duckdb.mjs DATA_DIR [OUT_DIR]
// OUT_DIR defaults to DATA_DIR/out-duckdb. Per-statement times go to stderr
// unless DUCKDB_QUIET=1. DuckDB runs with its defaults (all cores, 80% of RAM).
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const [dataDir, outArg] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: node bench/duckdb.mjs DATA_DIR [OUT_DIR]');
  process.exit(1);
}
const outDir = outArg ?? path.join(dataDir, 'out-duckdb');
await mkdir(outDir, { recursive: true });

const lit = (s) => path.resolve(s).replaceAll("'", "''");
const sql = (await readFile(new URL('./duckdb.sql', import.meta.url), 'utf8'))
  .replaceAll('${DATA}', lit(dataDir))
  .replaceAll('${OUT}', lit(outDir))
  .replace(/--[^\n]*/g, ''); // comments off, so that ';' splits statements for the labels
const labels = sql.split(';').map((s) => {
  const to = s.match(/\)\s*TO\s*'([^']*)'/);
  return to ? `COPY TO ${path.basename(to[1])}` : s.trim().split('\n')[0].replace(/ AS$/, '');
});

const quiet = process.env.DUCKDB_QUIET === '1';
const t0 = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const statements = await conn.extractStatements(sql);
for (let i = 0; i < statements.count; i++) {
  const t = performance.now();
  const prepared = await statements.prepare(i);
  await prepared.run();
  if (!quiet) {
    console.error(`duckdb: ${((performance.now() - t) / 1000).toFixed(2).padStart(6)}s  ${labels[i] ?? ''}`);
  }
}
if (!quiet) {
  const v = await conn.runAndReadAll("SELECT version(), current_setting('threads'), current_setting('memory_limit')");
  const [version, threads, limit] = v.getRows()[0];
  console.error(`duckdb ${version} (${threads} threads, memory_limit ${limit}): ${((performance.now() - t0) / 1000).toFixed(2)}s`);
}
conn.closeSync?.();
instance.closeSync?.();
