import { EventBus, type EventBusOptions } from './bus.js';
import { BusFeeder, type EventLog, type FeederOptions } from './feeder.js';

export { EventBus, type EventBusOptions, type EventFilter, type EventHandler, matches } from './bus.js';
export { BusFeeder, type EventLog, type FeederOptions } from './feeder.js';

/** A Flotilla's one bus and the feeder that fills it from the event log. */
export interface FedBus {
  bus: EventBus;
  feeder: BusFeeder;
  /** Stops feeding (the bus keeps its subscribers; nothing more reaches them). */
  close(): void;
}

/**
 * Builds the one bus of a Flotilla over its store, fed from the log from now on. The daemon
 * (daemon/core-plugin.ts) and `createFlotilla()` both build theirs here, once each.
 */
export async function startEventBus(
  log: EventLog,
  options: { bus?: EventBusOptions; feeder?: FeederOptions } = {},
): Promise<FedBus> {
  const bus = new EventBus(options.bus);
  const feeder = await BusFeeder.start(log, bus, options.feeder);
  return { bus, feeder, close: () => feeder.close() };
}
