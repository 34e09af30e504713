/**
 * Saved column mappings, kept in this browser's localStorage and keyed by a file's
 * header set, so next month's export with the same headers loads without asking.
 */
import { headerKey, parseProfiles, type MappingProfile } from '../mapping';

const KEY = 'slip-audit.mapping-profiles';

export const profiles = $state({ list: parseProfiles(globalThis.localStorage?.getItem(KEY) ?? null) });

function persist(): void {
  globalThis.localStorage?.setItem(KEY, JSON.stringify(profiles.list));
}

/** Save (or replace) the profile for a header set. */
export function saveProfile(p: MappingProfile): void {
  profiles.list = [...profiles.list.filter((x) => x.key !== p.key), p];
  persist();
}

export function deleteProfile(key: string): void {
  profiles.list = profiles.list.filter((x) => x.key !== key);
  persist();
}

/** The saved profile for a header set, as a plain object (it is posted to the worker, which cannot take a state proxy). */
export function profileFor(headers: readonly string[]): MappingProfile | undefined {
  const key = headerKey(headers);
  const found = profiles.list.find((p) => p.key === key);
  return found ? $state.snapshot(found) : undefined;
}
