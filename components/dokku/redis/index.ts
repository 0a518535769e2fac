/** dokku-redis: services, slots (logical databases) claimed atomically on the non-production one, and own-service links. */
export { RedisService, type RedisServiceArgs } from "./redis-service";
export { RedisSlot, type RedisSlotArgs } from "./redis-slot";
export { RedisLink, type RedisLinkArgs } from "./redis-link";
export { redisSlotProvider } from "./redis-slot-provider";
export { redisLinkProvider } from "./redis-link-provider";
export { evalOnService, lookupSlot, releaseSlot, type SlotRange } from "./redis-slot-operations";
export { evalLine, redisCliLine } from "./redis-slot-script";
