/** dokku-redis: the shared service, and slots (logical databases) claimed atomically on it. */
export { RedisService, type RedisServiceArgs } from "./redis-service";
export { RedisSlot, type RedisSlotArgs } from "./redis-slot";
export { redisSlotProvider } from "./redis-slot-provider";
export { lookupSlot, releaseSlot, type SlotRange } from "./redis-slot-operations";
