import http from 'node:http';
import { manageKeepAlive } from './keep-alive';

describe('manageKeepAlive', () => {
  it("turns node:http's own keep-alive timer off", () => {
    const server = manageKeepAlive(http.createServer(), { advertisedMs: 60_000, graceMs: 5_000 });
    expect(server.keepAliveTimeout).toBe(0);
  });

  it.each([
    [{ advertisedMs: 500, graceMs: 0 }, /advertisedMs/],
    [{ advertisedMs: 1500, graceMs: 0 }, /advertisedMs/],
    [{ advertisedMs: 1000, graceMs: -1 }, /graceMs/],
    [{ advertisedMs: 1000, graceMs: 0.5 }, /graceMs/],
  ])('refuses %j', (options, message) => {
    expect(() => manageKeepAlive(http.createServer(), options)).toThrow(message);
  });
});
