#!/usr/bin/env node
// Writes .gz and .br siblings of the dashboard's text assets (dist/web), so the daemon serves
// them precompressed (@fastify/static preCompressed) instead of compressing on every request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = new URL('../dist/web/', import.meta.url).pathname;
const COMPRESSIBLE = /\.(js|css|html|svg|json|map|txt)$/;
let files = 0;
let raw = 0;
let gz = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (COMPRESSIBLE.test(name)) {
      const body = readFileSync(path);
      const gzipped = gzipSync(body, { level: 9 });
      writeFileSync(`${path}.gz`, gzipped);
      writeFileSync(
        `${path}.br`,
        brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      );
      files++;
      raw += body.length;
      gz += gzipped.length;
    }
  }
};
walk(root);
console.log(
  `dashboard: ${files} files, ${(raw / 1024).toFixed(0)} KiB, ${(gz / 1024).toFixed(0)} KiB gzipped`,
);
