/** Moved to src/proc/keyed-mutex.ts (the one keyed mutex); kept until supervisor.ts imports it from there. */
export { KeyedMutex } from '../proc/keyed-mutex.js';
