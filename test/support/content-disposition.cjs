// Jest (before Node 24.9) cannot require() an ESM-only package, and @fastify/static, which serves
// the Swagger UI, require()s content-disposition 3. It uses it only for reply.download(), which the
// API never calls; in production Node 20.19 loads the real package natively.
'use strict';
module.exports = {
  create() {
    throw new Error('content-disposition is not available under Jest');
  },
  parse() {
    throw new Error('content-disposition is not available under Jest');
  },
};
