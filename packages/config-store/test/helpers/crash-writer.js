// Child process of the kill -9 test: writes keys one after another, records each acknowledged
// write in an ack file (the OS keeps it across our SIGKILL), then starts more writes and kills
// itself with SIGKILL while they are in flight.
// Usage: node crash-writer.js <dataDir> <ackFile> <acked writes> <in-flight writes> <key prefix> <kill delay ms>
'use strict';
require('./ts-register');
const fs = require('node:fs');
const { EmbeddedStore } = require('../../src/embedded-store.ts');

async function main() {
  const [dataDir, ackFile, ackedArg, inFlightArg, prefix, delayArg] = process.argv.slice(2);
  const store = await EmbeddedStore.open({ dataDir, snapshotEvery: 7 });
  const acked = Number(ackedArg);
  for (let i = 0; i < acked; i++) {
    const key = `${prefix}${String(i).padStart(4, '0')}`;
    const res = await store.put(key, `v${i}`);
    fs.appendFileSync(ackFile, `${key} v${i} ${res.revision}\n`);
  }
  for (let i = acked; i < acked + Number(inFlightArg); i++) {
    const key = `${prefix}${String(i).padStart(4, '0')}`;
    void store
      .put(key, `v${i}`)
      .then((res) => fs.appendFileSync(ackFile, `${key} v${i} ${res.revision}\n`));
  }
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), Number(delayArg ?? 0));
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
