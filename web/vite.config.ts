import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into web/dist, which `retain serve` serves at /; `vite dev` proxies the API to it.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'charts';
          // Read only when an operator uploads an .xlsx list: its own chunk, loaded then.
          if (id.includes('node_modules/exceljs')) return 'xlsx';
          if (id.includes('node_modules/')) return 'vendor';
          return undefined;
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
