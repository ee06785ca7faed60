/** Signal autonomy: each user's auto-start priority and Slack notification settings. */
export { SignalAutonomyModule } from './signal-autonomy.module.js';
export { SignalAutonomyService } from './signal-autonomy.service.js';
export { SignalAutonomyConfig } from './signal-autonomy-config.entity.js';
export { AUTONOMY_PRIORITIES, type AutonomyPriority } from './autonomy-priority.js';
export type { AutonomyChanges } from './autonomy-changes.js';
export { AUTONOMY_TARGET, OTHER_USERS_FORBIDDEN_DETAIL } from './autonomy-errors.js';
