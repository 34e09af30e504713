/** Process areas of the rules panel, in the order an auditor walks the warehouse. */
export const AREAS = ['receipts', 'outbound', 'pricing', 'outsourcing', 'purchasing', 'returns', 'transport', 'stock', 'service', 'numbering', 'other'] as const;
export type Area = (typeof AREAS)[number];

const PRICING = new Set(['fg-receipt.price-not-standard', 'outbound.below-min-price', 'slip.amount-mismatch', 'outsource.price-breakdown']);
const BY_PREFIX: Record<string, Area> = {
  'fg-receipt': 'receipts', outbound: 'outbound', 'exit-pass': 'outbound', 'outsource-issue': 'outsourcing',
  outsource: 'outsourcing', purchase: 'purchasing', requisition: 'purchasing', 'sales-return': 'returns',
  shipment: 'transport', stock: 'stock', service: 'service', slip: 'numbering',
};

/** The area a rule is listed under, from its id (`outbound.ungated` → outbound & gate). */
export function ruleArea(id: string): Area {
  if (PRICING.has(id)) return 'pricing';
  return BY_PREFIX[id.split('.')[0]] ?? 'other';
}
