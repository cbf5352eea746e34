// Vite builds the UI into static files that cairn-server serves under /zipkin/ (or
// ZIPKIN_UI_BASEPATH): relative asset URLs resolved against the page's <base href>, so one build
// works under any base path. `npm run build -- --outDir DIR` writes elsewhere (CMake uses the
// build tree). Vitest runs the unit tests (src/**/*.test.ts) in Node.
import { defineConfig } from 'vitest/config';

export default defineConfig(({ command }) => ({
  base: command === 'build' ? './' : '/zipkin/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npm run dev` against a cairn-server on its default port.
    proxy: {
      '/zipkin/api': 'http://127.0.0.1:9411',
      '/zipkin/config.json': 'http://127.0.0.1:9411',
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    pool: 'threads',
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 } },
  },
}));
