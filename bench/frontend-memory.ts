import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { createFrontend } from '../server/src/model/board';
import { diskFileSystem } from '../server/src/node/disk-fs';
const corpus = '/work/shared/corpus/linux-dts';
const boards: string[] = [];
const walk = (d: string) => { for (const e of readdirSync(join(corpus, d), { withFileTypes: true })) { if (e.isDirectory()) walk(`${d}/${e.name}`); else if (e.name.endsWith('.dts')) boards.push(`${d}/${e.name}`); } };
walk('src/arm64');
const fe = createFrontend(diskFileSystem());
const inc = ['include', 'src', 'src/arm64'].map((d) => join(corpus, d));
let t = performance.now();
for (const [i, b] of boards.entries()) {
  fe.resolve(join(corpus, b), { includePaths: inc, defines: [{ name: '__DTS__' }] });
  if (i % 400 === 399) { (globalThis as any).gc(); const m = process.memoryUsage(); console.log(i + 1, 'heapUsed MB', (m.heapUsed / 1e6).toFixed(0), 'rss', (m.rss / 1e6).toFixed(0), 'ms', (performance.now() - t).toFixed(0)); }
}
console.log('maxRSS MB', (process.resourceUsage().maxRSS / 1024).toFixed(0));
