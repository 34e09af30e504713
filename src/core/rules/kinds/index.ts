/** The registry of rule kinds. Exhaustive: adding a kind name without its module fails to compile. */
import { condition, type ConditionSettings } from './condition';
import { duplicate, type DuplicateSettings } from './duplicate';
import { gap, type GapSettings } from './gap';
import type { KindModule } from './kind';
import { missing, type MissingSettings } from './missing';
import { sql, type SqlSettings } from './sql';
import { unmatched, type UnmatchedSettings } from './unmatched';
import { windowKind, type WindowSettings } from './window';

/** Settings of each kind, by kind name. */
export interface KindSettings {
  missing: MissingSettings;
  condition: ConditionSettings;
  unmatched: UnmatchedSettings;
  window: WindowSettings;
  duplicate: DuplicateSettings;
  gap: GapSettings;
  sql: SqlSettings;
}

export type KindName = keyof KindSettings;

export const KINDS = {
  missing, condition, unmatched, window: windowKind, duplicate, gap, sql,
} satisfies { [K in KindName]: KindModule<KindSettings[K]> };

export const KIND_NAMES = Object.keys(KINDS) as KindName[];

/** The module of a kind, typed for its settings. */
export function kindModule<K extends KindName>(kind: K): KindModule<KindSettings[K]> {
  return KINDS[kind] as unknown as KindModule<KindSettings[K]>;
}
