// BullMQ's sandbox loads its processor with import(), which cannot read TypeScript. When the
// worker itself runs from source (ts-node, vitest), it points the sandbox here instead: register
// ts-node in the child, then load the TypeScript processor. Built workers use dist/queue/processor.js.
require('ts-node').register({ transpileOnly: true });
module.exports = require('./processor.ts');
