/** The bundled sample exports: emitted as assets of the build and fetched from the app's own origin. */
const urls = import.meta.glob<string>('/sample-data/*.{csv,tsv,txt,xlsx,xls}', { query: '?url', import: 'default', eager: true });

export const SAMPLE_FILES: readonly { name: string; url: string }[] = Object.entries(urls)
  .map(([path, url]) => ({ name: path.slice(path.lastIndexOf('/') + 1), url }))
  // Code-point order, as the CLI reads a folder: the same load order gives the same summary.json.
  .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
