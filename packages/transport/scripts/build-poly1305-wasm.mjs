// node scripts/build-poly1305-wasm.mjs — regenerate src/node/poly1305-wasm-bytes.ts after editing
// src/node/poly1305.wat.
import { writeFileSync } from 'node:fs';
import { BYTES_PATH, poly1305WasmModuleSource } from './poly1305-wasm-source.mjs';

writeFileSync(BYTES_PATH, await poly1305WasmModuleSource());
console.log(`wrote ${BYTES_PATH.pathname}`);
