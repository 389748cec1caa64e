/**
 * Own-property helpers for objects keyed by caller-supplied ids. Ids such as "__proto__",
 * "constructor" or "toString" must behave as plain keys: never read from or written to
 * Object.prototype.
 */

/** Sets an own, enumerable property, even for the key "__proto__". */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Reads an own property only. */
export function getOwn<T>(source: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(source, key) ? source[key] : undefined;
}
