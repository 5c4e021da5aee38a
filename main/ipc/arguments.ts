/** Checks on IPC arguments: whatever the page sends is untrusted until one of these accepts it. */
export class IpcArgumentError extends Error {
  override name = 'IpcArgumentError';
}

export function expectString(value: unknown, what: string, maxLength: number): string {
  if (typeof value !== 'string') throw new IpcArgumentError(`${what} must be a string`);
  if (value.length > maxLength) throw new IpcArgumentError(`${what} must be at most ${maxLength} characters`);
  return value;
}

export function expectBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new IpcArgumentError(`${what} must be true or false`);
  return value;
}

/** A plain object with exactly the given keys, each present. */
export function expectRecord<K extends string>(value: unknown, what: string, keys: readonly K[]): Record<K, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) {
    throw new IpcArgumentError(`${what} must be an object`);
  }
  const present = Object.keys(value);
  const unknown = present.filter((key) => !(keys as readonly string[]).includes(key));
  if (unknown.length > 0) throw new IpcArgumentError(`${what} has unexpected fields: ${unknown.join(', ')}`);
  const missing = keys.filter((key) => !present.includes(key));
  if (missing.length > 0) throw new IpcArgumentError(`${what} is missing: ${missing.join(', ')}`);
  return value as Record<K, unknown>;
}
