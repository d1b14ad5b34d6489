// A typed command line → an argument array, without a shell: words split on blanks, 'single'
// quotes keep everything literally, "double" quotes keep blanks (a backslash escapes " \ $ ` there),
// a backslash outside quotes escapes the next character. Nothing is expanded ($VAR, globs, ~, ;,
// |, && are plain characters): the command runs exactly as written in the container, and anyone
// who wants a shell types `sh -c '…'`.

export type ParsedCommandLine = { argv: string[] } | { error: string };

export function parseCommandLine(line: string): ParsedCommandLine {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { error: 'A single quote is not closed.' };
      word += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return { error: 'A double quote is not closed.' };
        const d = line[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) {
          word += line[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return { error: 'The line ends with a lone backslash.' };
      word += line[i + 1];
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) argv.push(word);
  if (!argv.length) return { error: 'Type a command, e.g. cat /etc/os-release' };
  return { argv };
}

/** The argument array shown back the way it would be typed (each word quoted when it needs it). */
export function formatCommandLine(argv: readonly string[]): string {
  return argv.map((a) => (a !== '' && /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
