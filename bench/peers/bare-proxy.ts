/**
 * The peers benchmark's floor: the least a Node proxy for chat completions can do. `node:http`
 * server, the JSON body parsed and serialised again (as any gateway that looks at the request
 * must), forwarded with undici over keep-alive connections to the upstream, the answer streamed
 * back with its status and content type. No routing, no auth, no logs.
 *
 *   node --import tsx bench/peers/bare-proxy.ts <port> <upstream chat completions URL>
 */
import http from 'node:http';
import { Agent, request } from 'undici';

const port = Number(process.argv[2]);
const upstream = process.argv[3] ?? '';
const dispatcher = new Agent({ keepAliveTimeout: 60_000, connections: 1024 });

const server = http.createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () => {
    let body: string;
    try {
      body = JSON.stringify(JSON.parse(Buffer.concat(parts).toString('utf8')));
    } catch {
      res.writeHead(400).end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    request(upstream, { method: 'POST', headers, body, dispatcher })
      .then((answer) => {
        const out: Record<string, string> = {};
        for (const name of ['content-type', 'content-length']) {
          const value = answer.headers[name];
          if (typeof value === 'string') out[name] = value;
        }
        res.writeHead(answer.statusCode, out);
        answer.body.pipe(res);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
