/**
 * @module loki-logger/labels
 * `log_labels` values with `$name` / `${name}` variables resolved from a request
 * (`core.utils.resolve_var`): when at least one variable of a value has a value, the value
 * becomes its text with each variable replaced (unset ones by nothing); otherwise it stays as
 * written (`$unset` stays `$unset`).
 */

const VAR = /\$\{([\w]+)\}|\$([\w]+)/g;

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** The labels with their variables resolved through `lookup`. */
export function resolveLabels(
  labels: Readonly<Record<string, string>>,
  lookup: (name: string) => unknown,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels).map(([key, value]) => {
      let resolved = 0;
      const replaced = value.replace(
        VAR,
        (_m, braced: string | undefined, bare: string | undefined) => {
          const v = lookup(braced ?? bare ?? '');
          if (v === undefined || v === null) return '';
          resolved += 1;
          return text(v);
        },
      );
      return [key, resolved > 0 ? replaced : value];
    }),
  );
}
