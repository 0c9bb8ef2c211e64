#!/usr/bin/env node
// Committed shim so that npm can link the `aira` bin before the first build exists.
import('../dist/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    console.error('aira is not built yet: run `npm run setup` (or `npm test` / `npm start`) first');
    process.exit(1);
  }
  throw err;
});
