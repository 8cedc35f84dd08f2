import type { PartItem } from '../core/part-item.js';
import type { ThemeRoute } from '../core/theme-route.js';
import type { UnitOfWork } from '../core/unit-of-work.js';

/**
 * The theme routes, owned by delivery: the digest runner reads them all to send each theme's
 * section, /subscribe and /unsubscribe change one server's.
 */
export interface ThemeRouteRepository {
  /** True when the route is new; the same guild, theme and channel are stored once. */
  add(route: ThemeRoute, by: string, now: number): Promise<boolean>;
  /** True when a route was removed. */
  remove(route: ThemeRoute): Promise<boolean>;
  /** One server's routes, by theme then channel. */
  forGuild(guildId: string): Promise<ThemeRoute[]>;
  /** Every server's routes, by guild, theme then channel. */
  all(): Promise<ThemeRoute[]>;
}

/**
 * What each destination already has, so no digest posts a story there twice. The items of every
 * outbox part are recorded with the part and count as delivered once the part is marked sent.
 */
export interface DeliveryRepository {
  /** The items of each part of a digest, parts numbered from 1 as in the outbox. */
  recordParts(digestId: number, parts: readonly (readonly PartItem[])[]): Promise<void>;
  /** Of `itemIds`, those the destination has received or has on the way, with the title it got. */
  received(destination: string, itemIds: readonly number[]): Promise<Map<number, string>>;
}

export interface DeliveryPorts {
  routes: Pick<ThemeRouteRepository, 'all'>;
  deliveries: DeliveryRepository;
}

/** The store as the digest runner uses it. */
export type DeliveryStore = DeliveryPorts & UnitOfWork<DeliveryPorts>;
