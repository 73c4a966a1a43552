import { STARTUP_GRACE_MS, listenForStop, type StopSignal } from './stop-signal';

describe('listenForStop', () => {
  let stop: StopSignal | undefined;
  const exits: number[] = [];
  const exit = (code: number) => {
    exits.push(code);
  };

  beforeEach(() => {
    jest.useFakeTimers();
    exits.length = 0;
  });
  afterEach(() => {
    stop?.dispose();
    jest.useRealTimers();
  });

  it('resolves with the signal once started, without exiting', async () => {
    stop = listenForStop(exit);
    stop.started();
    process.emit('SIGTERM', 'SIGTERM');
    await expect(stop.requested).resolves.toBe('SIGTERM');
    jest.advanceTimersByTime(STARTUP_GRACE_MS * 2);
    expect(exits).toEqual([]);
  });

  it('a signal during start-up waits for the start to finish, then resolves', async () => {
    stop = listenForStop(exit);
    process.emit('SIGINT', 'SIGINT');
    jest.advanceTimersByTime(STARTUP_GRACE_MS - 1);
    stop.started();
    jest.advanceTimersByTime(STARTUP_GRACE_MS);
    expect(exits).toEqual([]);
    await expect(stop.requested).resolves.toBe('SIGINT');
  });

  it('exits when start-up is still not over STARTUP_GRACE_MS after the signal', () => {
    stop = listenForStop(exit);
    process.emit('SIGTERM', 'SIGTERM');
    jest.advanceTimersByTime(STARTUP_GRACE_MS - 1);
    expect(exits).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(exits).toEqual([1]);
  });

  it('a second signal exits at once', () => {
    stop = listenForStop(exit);
    stop.started();
    process.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([]);
    process.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([1]);
  });

  it('after dispose the signals are no longer handled', () => {
    stop = listenForStop(exit);
    const listening = process.listenerCount('SIGTERM');
    stop.dispose();
    expect(process.listenerCount('SIGTERM')).toBe(listening - 1);
    stop = undefined;
  });
});
