export { authStore } from './auth.store';
export { createJwt, type Jwt } from './jwt';
export { createAuthService, type AuthService, type BootstrapGrant, ACCESS_TTL_SECONDS, REFRESH_TTL_SECONDS } from './auth.service';
export { authRoutes, type Usage } from './auth.routes';
