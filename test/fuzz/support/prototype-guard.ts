/**
 * @module prototype-guard
 * Detects (and undoes) prototype pollution in this process: a new own property on
 * `Object.prototype`, or one of its members replaced. Checked after every fuzzed request, so the
 * request that polluted is the counterexample, and undone so later cases and jest itself run on
 * a clean prototype.
 */

type Snapshot = Map<string, unknown>;

function snapshot(): Snapshot {
  const proto = Object.prototype as Record<string, unknown>;
  return new Map(
    Object.getOwnPropertyNames(proto).map((name) => [
      name,
      Object.getOwnPropertyDescriptor(proto, name)?.value ?? proto,
    ]),
  );
}

export class PrototypeGuard {
  private readonly clean = snapshot();

  /** The polluted names (new or changed), restored to the clean state; [] when untouched. */
  restoreAndReport(): string[] {
    const proto = Object.prototype as Record<string, unknown>;
    const now = snapshot();
    const changed: string[] = [];
    for (const [name, value] of now) {
      if (!this.clean.has(name)) {
        changed.push(`${name} (added: ${JSON.stringify(value)})`);
        delete proto[name];
      } else if (this.clean.get(name) !== value) {
        changed.push(`${name} (replaced)`);
        Object.defineProperty(proto, name, {
          value: this.clean.get(name),
          writable: true,
          configurable: true,
          enumerable: false,
        });
      }
    }
    return changed;
  }
}
