export { freePort, hasRedisServer, startLocalRedis as startTestRedis, type LocalRedis as TestRedis } from '../../src/queue/localRedis';
import { hasRedisServer } from '../../src/queue/localRedis';

/**
 * Why the queue tests cannot run, or `undefined` when they can. In CI a missing redis-server is a
 * failure, not a skip: CI installs it (`.ci/run`).
 */
export function redisMissingInCi(): string | undefined {
  return !hasRedisServer() && process.env.CI
    ? 'redis-server is missing: CI must install it (apt-get install -y redis-server) for the queue tests'
    : undefined;
}
