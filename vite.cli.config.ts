import { defineConfig } from 'vite';

// The command line as one plain-JavaScript module (build/cli/main.mjs), so that `npm run audit`
// starts without compiling TypeScript first; packages stay in node_modules (SSR build).
// scripts/audit.mjs falls back to the TypeScript sources when this bundle is older than them.
export default defineConfig({
  build: {
    ssr: 'src/cli/main.ts',
    outDir: 'build/cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { entryFileNames: 'main.mjs' } },
  },
  logLevel: 'warn',
});
