export { createSecretService, type SecretLookup, type SecretService } from './secrets.service';
export { secretRoutes } from './secrets.routes';
export { SECRET_NAME_PATTERN } from './secrets.schemas';
