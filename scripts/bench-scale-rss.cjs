/**
 * Preloaded (`node -r`) into each run of `npm run bench:scale`: when the process exits, writes its
 * peak resident set size (kilobytes, `process.resourceUsage().maxRSS`) to the file named by
 * `BENCH_RSS_FILE`, so the bench reads the child's own peak, whatever it spawned before.
 */
'use strict';
const fs = require('node:fs');

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    fs.writeFileSync(file, `${process.resourceUsage().maxRSS}\n`);
  });
}
