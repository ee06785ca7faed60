/** Process lifecycle: start-up checks of PostgreSQL and Redis, and the shutdown state and signals. */
export { ProcessLifecycle, onTermination } from './lifecycle.js';
export { probeDatabase, probeRedis, type ProbeResult } from './probes.js';
export { bootLogger, serviceDependencies, waitForDependencies, type DependencyCheck } from './startup.js';
export { ReadinessProbe, type ReadinessReport } from './readiness.js';
export { SidePortServer, sideJson, sideMethodNotAllowed, sideNotFound, type SideAnswer } from './side-port.js';
