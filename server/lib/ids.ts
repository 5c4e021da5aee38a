import { v7 } from 'uuid';

/** UUIDv7: time-ordered, so two offline machines can create ids without colliding or coordinating. */
export const newId = (): string => v7();
