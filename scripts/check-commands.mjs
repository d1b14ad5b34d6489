// Every command package.json declares must be registered in the code, and every registered
// command must be declared (vscode-pull-request-github's check): catches menus pointing nowhere.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const declared = new Set(pkg.contributes.commands.map((c) => c.command));
const registered = new Set();
const walk = (d) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/registerCommand\(\s*'([^']+)'/g)) registered.add(m[1]);
  }
};
walk(join(root, 'src'));
const problems = [];
// A merge can leave a key twice in one object (two branches each adding "editor/title"): JSON.parse
// keeps only the last, silently dropping the first's menus. Walk the text and report duplicates.
function duplicateKeys(text) {
  const found = [];
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i])) i++;
  };
  const str = () => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const value = (path) => {
    ws();
    if (text[i] === '{') {
      i++;
      const keys = new Set();
      for (ws(); text[i] !== '}'; ws()) {
        const key = str();
        if (keys.has(key)) found.push(`${path}/${key}`);
        keys.add(key);
        ws();
        i++; // ':'
        value(`${path}/${key}`);
        ws();
        if (text[i] === ',') i++;
      }
      i++;
    } else if (text[i] === '[') {
      i++;
      for (ws(); text[i] !== ']'; ws()) {
        value(`${path}[]`);
        ws();
        if (text[i] === ',') i++;
      }
      i++;
    } else if (text[i] === '"') str();
    else while (!/[\s,\]}]/.test(text[i])) i++;
  };
  value('');
  return found;
}
for (const k of duplicateKeys(readFileSync(join(root, 'package.json'), 'utf8'))) problems.push(`package.json has the key ${k} twice (JSON keeps only the last)`);
for (const c of declared) if (!registered.has(c)) problems.push(`declared but not registered: ${c}`);
for (const c of registered) if (!declared.has(c)) problems.push(`registered but not declared in package.json: ${c}`);
for (const menu of Object.values(pkg.contributes.menus ?? {})) for (const m of menu) if (m.command && !declared.has(m.command)) problems.push(`menu refers to unknown command ${m.command}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`commands: ${declared.size} declared, all registered`);
