import { ExchangeCancel } from './exchange-cancel';

describe('ExchangeCancel', () => {
  it('tells its one listener once, with an AbortError by default', () => {
    const cancel = new ExchangeCancel();
    const heard: Error[] = [];
    cancel.onCancel((reason) => heard.push(reason));
    expect(cancel.cancelled).toBe(false);
    expect(() => cancel.throwIfCancelled()).not.toThrow();
    cancel.cancel();
    cancel.cancel(new Error('later'));
    expect(heard).toHaveLength(1);
    expect(heard[0]?.name).toBe('AbortError');
    expect(() => cancel.throwIfCancelled()).toThrow(heard[0]);
  });

  it('a listener added after the cancel hears it at once; a removed one never does', () => {
    const cancel = new ExchangeCancel();
    const heard: string[] = [];
    const stop = cancel.onCancel(() => heard.push('removed'));
    stop();
    cancel.cancel(new Error('gone'));
    cancel.onCancel((reason) => heard.push(reason.message));
    expect(heard).toEqual(['gone']);
  });

  it('follows an AbortSignal, aborted already or later, with its reason', () => {
    const controller = new AbortController();
    const later = ExchangeCancel.following(controller.signal);
    expect(later.cancelled).toBe(false);
    controller.abort(new Error('client left'));
    expect(() => later.throwIfCancelled()).toThrow('client left');
    expect(ExchangeCancel.following(controller.signal).cancelled).toBe(true);
  });

  it('gives a signer an AbortSignal that follows it, made only when asked for', () => {
    const cancel = new ExchangeCancel();
    const signal = cancel.signal;
    expect(signal.aborted).toBe(false);
    cancel.cancel(new Error('stop'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('stop');
    const cancelledFirst = new ExchangeCancel();
    cancelledFirst.cancel();
    expect(cancelledFirst.signal.aborted).toBe(true);
  });
});
