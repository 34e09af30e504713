/** A loaded rule: the common part every rule file has, plus its kind's settings. */
import type { Text } from '../types';
import type { KindName, KindSettings } from './kinds/index';
import type { ChargedTo, Params, Penalty, PenaltyTier, RuleId, Severity } from './types';

export interface RuleCommon {
  id: RuleId;
  /** The path the file was given under. */
  file: string;
  title: Text;
  clause: string;
  severity: Severity;
  params: Params;
  penalty: Penalty | null;
  tiers: PenaltyTier[];
  /** Who findings are attributed to when the rule has no penalty. */
  responsible: ChargedTo | null;
  description: Text;
}

export type Rule = { [K in KindName]: RuleCommon & { kind: K; settings: KindSettings[K] } }[KindName];
