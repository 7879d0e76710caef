// Builds ../src/unionhall/static/ballots/booth-crypto.js from src/entry.js.
// `node build.mjs --check` rebuilds in memory and fails if the committed file differs.
import { build } from 'esbuild';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '../src/unionhall/static/ballots/booth-crypto.js');
const ver = (p) => JSON.parse(readFileSync(resolve(here, 'node_modules', p, 'package.json'), 'utf8')).version;

const banner = [
  '/* unionhall booth crypto (votecrypt/2) — GENERATED, do not edit.',
  ' * Source: booth/src/votecrypt.js + booth/src/entry.js; rebuild: cd booth && npm ci && npm run build',
  ` * Bundled with esbuild ${ver('esbuild')}: @noble/curves ${ver('@noble/curves')}, @noble/hashes ${ver('@noble/hashes')} (MIT, (c) Paul Miller).`,
  ' * Exposes window.UnionhallBooth = {version, encryptBallot, fingerprint}. */',
].join('\n');

const result = await build({
  entryPoints: [resolve(here, 'src/entry.js')],
  bundle: true,
  format: 'iife',
  minify: true,
  target: 'es2020',
  legalComments: 'eof',
  banner: { js: banner },
  charset: 'utf8',
  write: false,
});
const code = result.outputFiles[0].text;

if (process.argv.includes('--check')) {
  let old = '';
  try { old = readFileSync(out, 'utf8'); } catch {}
  if (old !== code) {
    console.error(`${out} is out of date: run npm run build`);
    process.exit(1);
  }
  console.log(`${out} is up to date (${Buffer.byteLength(code)} bytes)`);
} else {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.log(`wrote ${out} (${Buffer.byteLength(code)} bytes)`);
}
