import { describe, expect, it } from 'vitest';
import { createOneTimeToken } from './one-time-token';

describe('one-time token', () => {
  it('is handed out once, and a new offer replaces it', () => {
    const token = createOneTimeToken();
    expect(token.take()).toBeNull();
    token.offer('first');
    expect(token.take()).toBe('first');
    expect(token.take()).toBeNull();
    token.offer('unused');
    token.offer('second');
    expect(token.take()).toBe('second');
    token.offer(null);
    expect(token.take()).toBeNull();
  });
});
