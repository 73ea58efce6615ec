#!/usr/bin/env node
/**
 * Starts tslab's kernel for this project's kernelspec (kernel.json runs `node launch.js kernel
 * --config-path FILE`), after fixing one tslab bug in-process:
 *
 * tslab 1.0.22 rewrites each cell to a module and turns references to variables of earlier
 * cells into `exports.NAME`. It finds them with `checker.getSymbolAtLocation(identifier)`, which
 * for the name of a shorthand property (`{ epochs }`) returns the new object's property, not the
 * variable; so `{ epochs }` stays a bare `epochs` and throws `ReferenceError: epochs is not
 * defined` when `epochs` was declared in an earlier cell. The fix resolves a shorthand property
 * with `checker.getShorthandAssignmentValueSymbol` and, when that variable belongs to an earlier
 * cell, writes it as `epochs: exports.epochs`.
 *
 * The patch is applied to tslab's compiled converter as it is loaded, and only when tslab's
 * version and the patched lines are the expected ones; otherwise the kernel starts unpatched with
 * a warning on stderr. Nothing under node_modules is modified.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');

const PATCHED_VERSION = '1.0.22';
const NEEDLE = `        function wrapPrevIdentifier(node) {
            var _a, _b;
            if (!ts.isIdentifier(node)) {`;
const REPLACEMENT = `        function wrapPrevIdentifier(node) {
            var _a, _b;
            // lstm-workbench: { name } where name is a variable of an earlier cell.
            if (ts.isShorthandPropertyAssignment(node) && node.objectAssignmentInitializer === undefined) {
                const value = checker.getShorthandAssignmentValueSymbol(node);
                const earlier = ((value && value.declarations) || []).some((decl) => decl.getSourceFile() === declsFile);
                if (!earlier) {
                    return node;
                }
                return ts.factory.createPropertyAssignment(node.name.text, ts.factory.createPropertyAccessExpression(ts.factory.createIdentifier("exports"), node.name.text));
            }
            if (!ts.isIdentifier(node)) {`;

function warn(message) {
  process.stderr.write(`lstm-workbench kernel launcher: ${message}; starting tslab unpatched\n`);
}

function patchConverter(tslabDir) {
  const version = JSON.parse(fs.readFileSync(path.join(tslabDir, 'package.json'), 'utf8')).version;
  if (version !== PATCHED_VERSION) return warn(`tslab ${version} is not ${PATCHED_VERSION}, the version the shorthand fix was written for`);
  const file = path.join(tslabDir, 'dist', 'converter.js');
  const source = fs.readFileSync(file, 'utf8');
  if (!source.includes(NEEDLE)) return warn(`${file} does not contain the code the shorthand fix replaces`);
  const patched = new Module(file, module);
  patched.filename = file;
  patched.paths = Module._nodeModulePaths(path.dirname(file));
  patched._compile(source.replace(NEEDLE, REPLACEMENT), file);
  patched.loaded = true;
  require.cache[file] = patched;
}

const tslabDir = path.dirname(require.resolve('tslab/package.json', { paths: [path.join(__dirname, '..', '..', '..'), process.cwd()] }));
try {
  patchConverter(tslabDir);
} catch (error) {
  warn(`patching failed (${error && error.message})`);
}
require(path.join(tslabDir, 'dist', 'main.js')).main();
