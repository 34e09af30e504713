import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The app is one static bundle: DuckDB-WASM, the rule pack and the sample exports are all
// served from the app's own origin, so it works offline and sends nothing anywhere.
export default defineConfig({
  plugins: [svelte()],
  optimizeDeps: { exclude: ['@duckdb/duckdb-wasm'] },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // Never inline assets as data: URLs: the CSP only lets the page fetch from 'self'.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
  },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: false },
});
