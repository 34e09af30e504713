/**
 * The rule pack as one YAML text file: each rule a document, separated by `---` lines,
 * with a `# file:` comment naming where it came from. Importing splits it back into one
 * file per rule (named after its id, as the loader wants) and remembers where each
 * document starts, so a problem is reported at its line in the file the user has.
 */

export interface PackPart { path: string; text: string; source: string; firstLine: number }
export interface Problem { file: string; line: number; col: number; message: string }

/** The rule id a YAML text declares (top-level `id:`), '' when it has none. */
export function ruleIdOf(text: string): string {
  const m = /^id:\s*["']?([^\s"'#]+)/m.exec(text);
  return m ? m[1] : '';
}

export function joinPack(files: readonly { path: string; text: string }[]): string {
  return files.map((f) => `# file: ${f.path}\n${f.text.replace(/\n*$/, '\n')}`).join('---\n');
}

/** Documents of one YAML file; a document without an id keeps a placeholder path so its problems still show. */
export function splitPack(source: string, text: string): PackPart[] {
  const lines = text.split(/\r?\n/);
  const parts: PackPart[] = [];
  let start = 0;
  const flush = (end: number) => {
    const body = lines.slice(start, end).join('\n');
    if (body.replace(/#.*$/gm, '').trim() !== '') {
      const id = ruleIdOf(body);
      parts.push({ path: `rules/${id || `document-${parts.length + 1}`}.yaml`, text: body + '\n', source, firstLine: start + 1 });
    }
  };
  lines.forEach((l, i) => {
    if (/^---\s*$/.test(l)) { flush(i); start = i + 1; }
  });
  flush(lines.length);
  return parts;
}

/** A problem of a split document, placed back in the file it came from. */
export function placeProblem(p: Problem, parts: readonly PackPart[]): string {
  const part = parts.find((x) => x.path === p.file);
  return part ? `${part.source}:${part.firstLine + p.line - 1}:${p.col}: ${p.message}` : `${p.file}:${p.line}:${p.col}: ${p.message}`;
}
