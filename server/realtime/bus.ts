import type { Transact } from '../db/database';
import type { EventObserver, Hub, Publish } from './hub';

export interface EventBus {
  /** Called by a service inside the transaction of the change it announces. */
  publish: Publish;
  /** Adds a durable listener (notifications, the outbound webhook outbox): it writes in the change's transaction. */
  observe(observer: EventObserver): void;
}

/**
 * How services announce a change. Durable listeners run at once, inside the change's transaction,
 * each in its own savepoint: a committed change never lacks its notifications and outbox rows (not
 * even when the process dies right after the commit), a rolled-back change has none, and a failing
 * listener loses only its own writes, never the change. Live subscribers hear of it once it commits.
 */
export function createEventBus(deps: { transact: Transact; hub: Pick<Hub, 'publish'>; onError(error: unknown): void }): EventBus {
  const { transact, hub } = deps;
  const observers: EventObserver[] = [];
  return {
    publish(orgId, topic, event) {
      for (const observer of observers) {
        try {
          transact(() => observer(orgId, topic, event));
        } catch (error) {
          deps.onError(error);
        }
      }
      transact.afterCommit(() => hub.publish(orgId, topic, event));
    },
    observe(observer) {
      observers.push(observer);
    },
  };
}
