export { usersStore, type UserRow, type UsersStore } from './users.store';
export { createUserService, toUser, type UserService } from './users.service';
export { userRoutes } from './users.routes';
export { User, RoleSchema } from './users.schemas';
