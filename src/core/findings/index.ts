/** Findings: what a person would miss in a snapshot, in words, with the fix. */
export { checkSnapshot, FactMemory, type CheckOptions } from './check';
export { findingsOf, type FindingOptions } from './findingsOf';
export type { FindingFacts } from './facts';
export { noFacts } from './facts';
export * from './types';
