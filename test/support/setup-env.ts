// Runs before each test file: the app reads its configuration from these.
import { installNetworkGuard } from './network-guard.js';
import { TEST_DATABASE_URL, TEST_REDIS_CLUSTER_NODES, TEST_REDIS_URL } from './test-env.js';

process.env.NODE_ENV = 'test';
process.env.DATABASE_URL = TEST_DATABASE_URL;
process.env.REDIS_URL = TEST_REDIS_URL;
if (TEST_REDIS_CLUSTER_NODES) process.env.REDIS_CLUSTER_NODES = TEST_REDIS_CLUSTER_NODES;
else delete process.env.REDIS_CLUSTER_NODES;
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
process.env.QUEUE_PREFIX = 'test-bull';

installNetworkGuard();
