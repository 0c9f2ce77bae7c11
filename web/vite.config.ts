import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The dashboard build. Output goes to dist/web, next to the compiled daemon that serves it;
 * scripts/compress-web.js then writes .gz/.br siblings so the daemon never compresses per request.
 * `npm run dev:web` proxies the API to a running daemon (FLOTILLA_URL, default the usual port).
 */
const target = process.env.FLOTILLA_URL ?? 'http://127.0.0.1:7420';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/api': {
        target,
        ws: true,
        changeOrigin: true,
        // The daemon accepts only its own origin (CSRF, WebSocket hijacking): present it.
        configure: (proxy) => {
          proxy.on('proxyReq', (req) => req.setHeader('origin', target));
          proxy.on('proxyReqWs', (req) => req.setHeader('origin', target));
        },
      },
      '/login': { target, changeOrigin: true },
    },
  },
});
