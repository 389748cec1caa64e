/**
 * @safeguard/bus: the MessageBus adapters (the interface and its error type live in
 * @safeguard/core). `createInProcessBus` with a journal for the embedded default,
 * `createNatsBus` for NATS JetStream. Both pass the same contract suite (test/bus-contract.ts).
 */
export { createInProcessBus, type InProcessBusOptions } from './in-process-bus.js';
export { createNatsBus, type NatsBusOptions } from './nats-bus.js';
export { createFileJournal, type FileJournalOptions } from './file-journal.js';
export {
  createMemoryJournal,
  type BusJournal,
  type JournalEntry,
  type JournalRecord,
  type JournalSnapshot,
  type RecentId,
} from './journal.js';
export {
  BusError,
  isBusError,
  partitionOf,
  type BatchHandler,
  type BusConsumer,
  type BusErrorReason,
  type BusMessage,
  type ConsumeOptions,
  type Delivery,
  type DeliveryBatch,
  type DrainOptions,
  type MessageBus,
  type PublishReceipt,
} from '@safeguard/core';
