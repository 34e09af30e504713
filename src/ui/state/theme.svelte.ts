/** Light/dark: follows prefers-color-scheme until the user picks one. */
export type Theme = 'light' | 'dark';

function initialTheme(): Theme {
  const saved = globalThis.localStorage?.getItem('theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const theme = $state({ value: initialTheme() });

/** Apply the theme now and follow the system setting while the user has not chosen one. */
export function applyTheme(): void {
  document.documentElement.dataset.theme = theme.value;
  globalThis.matchMedia?.('(prefers-color-scheme: dark)').addEventListener('change', (e) => {
    if (globalThis.localStorage?.getItem('theme')) return;
    theme.value = e.matches ? 'dark' : 'light';
    document.documentElement.dataset.theme = theme.value;
  });
}

export function toggleTheme(): void {
  theme.value = theme.value === 'dark' ? 'light' : 'dark';
  globalThis.localStorage?.setItem('theme', theme.value);
  applyTheme();
}
