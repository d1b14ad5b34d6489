import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, newPage } from './browser';
import { startCodeServer } from './codeServer';

async function main() {
  const cs = await startCodeServer({ vsix: '/work/main/kube-atlas-0.1.0.vsix', smokeTestDriver: true, settings: { 'workbench.secondarySideBar.defaultVisibility': 'hidden' } });
  mkdirSync(cs.folder, { recursive: true });
  writeFileSync(join(cs.folder, 'README.md'), '# Hello webview\n\nsome text\n');
  const browser = await launchBrowser();
  const { page } = await newPage(browser);
  try {
  await page.goto(cs.workbenchUrl());
  await page.waitForSelector('.monaco-workbench .part.activitybar', { timeout: 60000 });
  await page.waitForTimeout(3000);
  const run = async (t: string) => { await page.keyboard.press('F1'); await page.waitForTimeout(500); await page.keyboard.type(t); await page.waitForTimeout(800); await page.keyboard.press('Enter'); await page.waitForTimeout(1500); };
  await run('Terminal: Create New Terminal');
  await page.waitForTimeout(2000);
  await page.keyboard.type('echo hello-$((6*7))\n');
  await page.waitForTimeout(1500);
  writeFileSync('/tmp/explore/terminal.html', await page.locator('.part.panel').innerHTML());
  console.log('driver?', await page.evaluate(() => typeof (window as unknown as { driver?: unknown }).driver));
  await page.screenshot({ path: '/tmp/explore/5.png' });
  await run('Kube Atlas: Select Context');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: '/tmp/explore/6.png' });
  await page.keyboard.press('Escape');
  await run('Notifications: Show Notifications');
  writeFileSync('/tmp/explore/notif.html', await page.locator('.notifications-center').innerHTML().catch((e) => String(e)));
  await page.screenshot({ path: '/tmp/explore/7.png' });
  await page.keyboard.press('Escape');
  await run('Explorer: Focus on Folders View');
  await page.locator('.monaco-list-row[aria-label^="README.md"]').click();
  await page.waitForTimeout(1500);
  await run('Markdown: Open Preview');
  await page.waitForTimeout(4000);
  await page.screenshot({ path: '/tmp/explore/8.png' });
  for (const f of page.frames()) console.log('frame', f.name(), f.url().slice(0, 200), await f.title().catch(() => '?'));
  writeFileSync('/tmp/explore/editor.html', await page.locator('.part.editor').innerHTML());
  writeFileSync('/tmp/explore/all.html', await page.content());
  } finally {
  await browser.close();
  await cs.stop();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
