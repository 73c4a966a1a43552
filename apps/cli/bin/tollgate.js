#!/usr/bin/env node
'use strict';
// The `tollgate` command. Runs the compiled CLI; `pnpm build` (tsc -b) produces it.
const path = require('node:path');
const fs = require('node:fs');
const main = path.join(__dirname, '..', 'dist', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write('tollgate: not built yet; run `pnpm build` in the repository first\n');
  process.exit(1);
}
require(main);
