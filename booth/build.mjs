// Builds the two committed bundles in ../src/unionhall/static/ballots/:
// booth-crypto.js (the voter's booth) and trustee-crypto.js (the trustee page).
// `node build.mjs --check` rebuilds in memory and fails if a committed file differs.
import { build } from 'esbuild';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ver = (p) => JSON.parse(readFileSync(resolve(here, 'node_modules', p, 'package.json'), 'utf8')).version;
const noble = `@noble/curves ${ver('@noble/curves')}, @noble/hashes ${ver('@noble/hashes')}`;

const bundles = [
  {
    entry: 'src/entry.js',
    out: '../src/unionhall/static/ballots/booth-crypto.js',
    banner: [
      '/* unionhall booth crypto (votecrypt/2) — GENERATED, do not edit.',
      ' * Source: booth/src/{votecrypt,credentials,entry}.js; rebuild: cd booth && npm ci && npm run build',
      ` * Bundled with esbuild ${ver('esbuild')}: ${noble} (MIT, (c) Paul Miller).`,
      ' * Exposes window.UnionhallBooth = {version, encryptBallot, fingerprint} and window.UnionhallCredentials. */',
    ],
  },
  {
    entry: 'src/trustee-entry.js',
    out: '../src/unionhall/static/ballots/trustee-crypto.js',
    banner: [
      '/* unionhall trustee crypto (votecrypt/2, votecrypt-keyfile/1) — GENERATED, do not edit.',
      ' * Source: booth/src/{votecrypt,sodium,trustee,trustee-entry}.js; rebuild: cd booth && npm ci && npm run build',
      ` * Bundled with esbuild ${ver('esbuild')}: ${noble}, @noble/ciphers ${ver('@noble/ciphers')} (MIT, (c) Paul Miller).`,
      ' * Exposes window.UnionhallTrustee (key ceremony rounds, key files, decryption shares). */',
    ],
  },
];

let stale = false;
for (const b of bundles) {
  const out = resolve(here, b.out);
  const result = await build({
    entryPoints: [resolve(here, b.entry)],
    bundle: true,
    format: 'iife',
    minify: true,
    target: 'es2020',
    legalComments: 'eof',
    banner: { js: b.banner.join('\n') },
    charset: 'utf8',
    write: false,
  });
  const code = result.outputFiles[0].text;
  if (process.argv.includes('--check')) {
    let old = '';
    try { old = readFileSync(out, 'utf8'); } catch {}
    if (old !== code) {
      console.error(`${out} is out of date: run npm run build`);
      stale = true;
    } else {
      console.log(`${out} is up to date (${Buffer.byteLength(code)} bytes)`);
    }
  } else {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
    console.log(`wrote ${out} (${Buffer.byteLength(code)} bytes)`);
  }
}
if (stale) process.exit(1);
