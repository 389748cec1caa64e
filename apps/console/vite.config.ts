/**
 * Vite build of the console. It is served by the API server under /console (apps/server/src/
 * console-static.ts), so every asset URL is prefixed with /console/ and nothing is fetched from a
 * CDN: the build is self-contained and works offline. `npm run dev` proxies the API to a local
 * server (SAFEGUARD_API, default http://127.0.0.1:8080).
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.SAFEGUARD_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The chart pages load ECharts lazily (their own chunk); that chunk is large by nature.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/v1': api, '/openapi.json': api },
  },
});
