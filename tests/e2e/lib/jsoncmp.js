// Compares the JSON file argv[3] with the expected argv[2]: every number of the
// expected file within argv[4] relative (or 1e-13 absolute), null as null, strings
// equal; fields only in the actual file are not checked. Prints the worst
// relative error; exit status 1 with each mismatch on stderr.
const fs = require('fs');
const [want, got, tol] = [JSON.parse(fs.readFileSync(process.argv[2])),
                          JSON.parse(fs.readFileSync(process.argv[3])), +process.argv[4]];
let worst = 0, errs = [];
function walk(w, g, path) {
  if (w === null) { if (g !== null) errs.push(`${path}: want null, got ${g}`); return; }
  if (typeof w === 'number') {
    if (typeof g !== 'number') { errs.push(`${path}: want ${w}, got ${g}`); return; }
    const d = Math.abs(w - g), rel = w === 0 ? d : d / Math.abs(w);
    if (d > 1e-13) worst = Math.max(worst, rel);
    if (d > 1e-13 && rel > tol) errs.push(`${path}: want ${w}, got ${g} (rel ${rel.toExponential(2)})`);
    return;
  }
  if (typeof w === 'boolean') { if (w !== g) errs.push(`${path}: want ${w}, got ${g}`); return; }
  if (typeof w === 'string') { if (w !== g) errs.push(`${path}: want ${w}, got ${g}`); return; }
  if (Array.isArray(w) && !Array.isArray(g) && w.length === 1) return walk(w[0], g, path);
  if (typeof g !== 'object' || g === null) { errs.push(`${path}: missing`); return; }
  for (const k of Object.keys(w)) walk(w[k], Array.isArray(w) ? g[+k] : g[k], `${path}.${k}`);
}
walk(want, got, '');
console.log(worst.toExponential(2));
if (errs.length) { console.error(errs.join('\n')); process.exit(1); }
