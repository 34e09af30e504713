/**
 * Files from a drop or a folder picker. A dropped folder is walked through the
 * File and Directory Entries API (`webkitGetAsEntry`) where the browser offers it;
 * from a folder only spreadsheet and text exports are taken, as the CLI does.
 */
const EXTENSIONS = /\.(csv|tsv|txt|xlsx|xls|et)$/i;

export function isExport(name: string): boolean {
  return EXTENSIONS.test(name);
}

/** Every file of a drop: plain files as given, folders recursively (exports only), in name order per folder. */
export async function droppedFiles(data: DataTransfer): Promise<File[]> {
  const entries = [...data.items]
    .filter((i) => i.kind === 'file')
    .map((i) => (typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null));
  if (entries.length === 0 || entries.some((e) => e === null) || !entries.some((e) => e?.isDirectory)) return [...data.files];
  const out: File[] = [];
  for (const e of entries) if (e) await walk(e, out, false);
  return out;
}

async function walk(entry: FileSystemEntry, out: File[], inFolder: boolean): Promise<void> {
  if (entry.isFile) {
    if (inFolder && !isExport(entry.name)) return;
    out.push(await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)));
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const c of children) await walk(c, out, true);
}
