/** The CLI's engine choice: native DuckDB by default, the same WASM build as the browser on request. */
import type { Engine } from '../core/engine';
import { createNodeEngine } from '../engine/duckdb-node';

export async function createEngine(kind: 'native' | 'wasm'): Promise<Engine> {
  if (kind === 'wasm') {
    const { createWasmNodeEngine } = await import('../engine/duckdb-wasm-node');
    return createWasmNodeEngine();
  }
  return createNodeEngine();
}
