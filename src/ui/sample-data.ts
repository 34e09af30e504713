/** The bundled sample exports: emitted as assets of the build and fetched from the app's own origin. */
const urls = import.meta.glob<string>('/sample-data/*.{csv,tsv,txt,xlsx,xls}', { query: '?url', import: 'default', eager: true });

export const SAMPLE_FILES: readonly { name: string; url: string }[] = Object.entries(urls)
  .map(([path, url]) => ({ name: path.slice(path.lastIndexOf('/') + 1), url }))
  .sort((a, b) => a.name.localeCompare(b.name));
