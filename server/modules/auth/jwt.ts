import { createSigner, createVerifier } from 'fast-jwt';
import { AppError } from '../../http/errors';
import type { Clock } from '../../lib/clock';

export type TokenKind = 'access' | 'refresh';

export interface Claims {
  sub: string;
  org: string;
  sid: string;
  typ: TokenKind;
  jti: string;
  iat: number;
  exp: number;
}

/**
 * HS256 only: the verifier refuses `alg: none` and every other algorithm, so a token cannot pick how
 * it is checked. Expiry is checked against our clock (tests move it) rather than the library's.
 */
export function createJwt(key: Buffer, clock: Clock) {
  const sign = createSigner({ key, algorithm: 'HS256' });
  const verify = createVerifier({ key, algorithms: ['HS256'], ignoreExpiration: true, ignoreNotBefore: true, cache: 2048 });
  return {
    sign(claims: Omit<Claims, 'iat' | 'exp'>, ttlSeconds: number): { token: string; expiresAt: Date } {
      const iat = Math.floor(clock.now().getTime() / 1000);
      return { token: sign({ ...claims, iat, exp: iat + ttlSeconds }), expiresAt: new Date((iat + ttlSeconds) * 1000) };
    },
    verify(token: string, kind: TokenKind): Claims {
      let claims: Claims;
      try {
        claims = verify(token) as Claims;
      } catch {
        throw new AppError('INVALID_TOKEN', 'Invalid token');
      }
      if (claims.typ !== kind) throw new AppError('INVALID_TOKEN', `Expected an ${kind} token`);
      if (typeof claims.exp !== 'number' || claims.exp * 1000 <= clock.now().getTime()) throw new AppError('TOKEN_EXPIRED', 'Token has expired');
      return claims;
    },
  };
}

export type Jwt = ReturnType<typeof createJwt>;
