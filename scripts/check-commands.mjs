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
for (const c of declared) if (!registered.has(c)) problems.push(`declared but not registered: ${c}`);
for (const c of registered) if (!declared.has(c)) problems.push(`registered but not declared in package.json: ${c}`);
for (const menu of Object.values(pkg.contributes.menus ?? {})) for (const m of menu) if (m.command && !declared.has(m.command)) problems.push(`menu refers to unknown command ${m.command}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`commands: ${declared.size} declared, all registered`);
