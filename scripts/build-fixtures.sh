#!/usr/bin/env bash
# Compile the Solidity test fixtures (tests/fixtures/src/*.sol) with a pinned solc (npm solc@0.8.30,
# solcjs, runs offline under node) and write one artifact per contract to tests/fixtures/out/
# ({"abi": [...], "bytecode": {"object": "0x..."}}), the shape alloy's sol! macro reads.
# The artifacts are committed; rerun this after editing a fixture.
set -euo pipefail
cd "$(dirname "$0")/.."

SOLC_VERSION=0.8.30
SOLC_DIR=tests/fixtures/.solc
if ! node -e "process.exit(require('./$SOLC_DIR/node_modules/solc/package.json').version === '$SOLC_VERSION' ? 0 : 1)" 2>/dev/null; then
    echo "installing solc@$SOLC_VERSION into $SOLC_DIR" >&2
    mkdir -p "$SOLC_DIR"
    npm install --prefix "$SOLC_DIR" --no-audit --no-fund --silent "solc@$SOLC_VERSION" >&2
fi

SOLC_DIR="$SOLC_DIR" node - <<'JS'
const fs = require('fs');
const path = require('path');
const solc = require(path.resolve(process.env.SOLC_DIR, 'node_modules/solc'));
const srcDir = 'tests/fixtures/src';
const outDir = 'tests/fixtures/out';
const sources = {};
for (const f of fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[f] = { content: fs.readFileSync(path.join(srcDir, f), 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: {
    // cancun: runs on revm and on every current Nitro chain.
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};
const findImports = (p) => ({ contents: fs.readFileSync(path.join(srcDir, p), 'utf8') });
const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (out.errors || []).filter((e) => e.severity === 'error');
for (const e of out.errors || []) console.error(e.formattedMessage);
if (errors.length) process.exit(1);
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
let n = 0;
for (const [file, contracts] of Object.entries(out.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    if (!c.evm.bytecode.object) continue; // interfaces
    const artifact = { abi: c.abi, bytecode: { object: '0x' + c.evm.bytecode.object } };
    fs.writeFileSync(path.join(outDir, name + '.json'), JSON.stringify(artifact, null, 1) + '\n');
    n++;
  }
}
console.log(`solc ${solc.version()}: wrote ${n} artifacts to ${outDir}`);
JS
