// Preloaded with --require (NODE_OPTIONS, so worker threads get it too): better-sqlite3 then
// cannot be found, as after `npm install --omit=optional` or where it was never installed.
const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'better-sqlite3') throw Object.assign(new Error("Cannot find module 'better-sqlite3'"), { code: 'MODULE_NOT_FOUND' });
  return resolve.call(this, request, ...rest);
};
