/** A rule's run status in the current language (`not run: needs outbound, exit_pass` → the slip type labels). */
import { SLIP_TYPES } from '../core/schema/slip-types';
import { t, tx } from './state/i18n.svelte';

export function ruleStatusText(status: string, enabled: boolean): string {
  const m = /^not run: needs (.+)$/.exec(status);
  if (m) {
    const names = m[1].split(/,\s*|\s+or\s+/).map((id) => tx(SLIP_TYPES.find((s) => s.id === id.trim())?.label) || id);
    return t('rules.needs', { types: names.join('、') });
  }
  if (status === 'ran') return t('rules.ran');
  if (status === 'off' || !enabled) return t('rules.off');
  return status;
}
