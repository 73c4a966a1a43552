'use strict';
// The image's HEALTHCHECK: exit 0 when the node is ready, 1 otherwise.
// TOLLGATE_HEALTHCHECK names what to check:
//   http://HOST:PORT/PATH  a GET that must answer 2xx (default: the control API's /status/ready)
//   tcp://HOST:PORT        a TCP connect (role control_plane, which serves no control API)
const net = require('node:net');

const target = new URL(process.env.TOLLGATE_HEALTHCHECK || 'http://127.0.0.1:9090/status/ready');
const fail = (why) => {
  process.stderr.write(`unhealthy: ${target.href}: ${why}\n`);
  process.exit(1);
};
setTimeout(() => fail('no answer in 2 s'), 2000).unref();

if (target.protocol === 'tcp:') {
  const socket = net.connect(Number(target.port), target.hostname, () => {
    socket.end();
    process.exit(0);
  });
  socket.on('error', (err) => fail(err.message));
} else {
  fetch(target, { signal: AbortSignal.timeout(2000) }).then(
    (res) => (res.ok ? process.exit(0) : fail(`status ${res.status}`)),
    (err) => fail(err.message),
  );
}
