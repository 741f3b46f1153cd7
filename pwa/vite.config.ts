import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The worker is ours (src/sw.ts); the plugin only injects the precache manifest and writes the web
// app manifest. Registration lives in src/sw-bridge.ts so the update prompt stays under our control.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { target: 'es2022', cssCodeSplit: true, sourcemap: false },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectRegister: false,
      registerType: 'prompt',
      includeAssets: ['icons/*.svg', 'icons/apple-touch-icon.png'],
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        rollupFormat: 'iife',
      },
      manifest: {
        id: '/',
        name: 'Cadence — coaching and observation',
        short_name: 'Cadence',
        description: 'Record classroom observations and read coaching feedback, online or offline.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#1d4e89',
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
});
