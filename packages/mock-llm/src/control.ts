/**
 * @module control
 * `/__mock/*`: lets another process read the record and steer the behaviour over HTTP.
 *   GET    /__mock/requests   the recorded requests (JSON array)
 *   DELETE /__mock/requests   forget them (204)
 *   GET    /__mock/behaviour  the current default behaviour
 *   PUT    /__mock/behaviour  replace it: the options' behaviour plus the JSON body
 *   PATCH  /__mock/behaviour  merge the JSON body into it
 *   GET    /__mock/capacity   the capacity model's settings and counters (404 while it is off)
 *   PATCH  /__mock/capacity   merge the JSON body into its settings (turning it on if off)
 *   DELETE /__mock/capacity/stats  set its counters back to 0 (204)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BehaviourError, mergeBehaviour, parseBehaviour } from './behaviour';
import { parseCapacity } from './capacity-settings';
import { readText } from './exchange';
import { applyCapacity, capacityReport, type MockState } from './state';

function json(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function readJson(req: IncomingMessage, what = 'behaviour'): Promise<unknown> {
  const text = await readText(req);
  if (text === undefined) throw new BehaviourError(`invalid ${what}: body too large`);
  try {
    return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    throw new BehaviourError(`invalid ${what}: body is not JSON`);
  }
}

async function behaviourRoute(state: MockState, req: IncomingMessage, res: ServerResponse) {
  if (req.method === 'GET') return json(res, 200, state.behaviour);
  if (req.method !== 'PUT' && req.method !== 'PATCH') {
    return json(res, 405, { error: { message: 'use GET, PUT or PATCH', type: 'mock_error' } });
  }
  try {
    const patch = parseBehaviour(await readJson(req));
    const base = req.method === 'PUT' ? state.baseBehaviour : state.behaviour;
    state.behaviour = mergeBehaviour(base, patch);
    json(res, 200, state.behaviour);
  } catch (err) {
    if (!(err instanceof BehaviourError)) throw err;
    json(res, 400, { error: { message: err.message, type: 'mock_error' } });
  }
}

async function capacityRoute(state: MockState, req: IncomingMessage, res: ServerResponse) {
  if (req.method === 'GET') {
    const report = capacityReport(state);
    if (report) return json(res, 200, report);
    return json(res, 404, { error: { message: 'the capacity model is off', type: 'mock_error' } });
  }
  if (req.method !== 'PATCH') {
    return json(res, 405, { error: { message: 'use GET or PATCH', type: 'mock_error' } });
  }
  try {
    applyCapacity(state, parseCapacity(await readJson(req, 'capacity')));
    json(res, 200, capacityReport(state));
  } catch (err) {
    if (!(err instanceof BehaviourError)) throw err;
    json(res, 400, { error: { message: err.message, type: 'mock_error' } });
  }
}

/** Answer a request whose path starts with `/__mock/`. */
export async function handleControl(
  state: MockState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  if (path === '/__mock/requests') {
    if (req.method === 'GET') return json(res, 200, state.records);
    if (req.method === 'DELETE') {
      state.records.length = 0;
      res.writeHead(204).end();
      return;
    }
    return json(res, 405, { error: { message: 'use GET or DELETE', type: 'mock_error' } });
  }
  if (path === '/__mock/behaviour') return behaviourRoute(state, req, res);
  if (path === '/__mock/capacity') return capacityRoute(state, req, res);
  if (path === '/__mock/capacity/stats' && req.method === 'DELETE') {
    state.capacity?.resetStats();
    res.writeHead(204).end();
    return;
  }
  json(res, 404, { error: { message: `no control endpoint ${path}`, type: 'mock_error' } });
}
