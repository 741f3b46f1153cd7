// Draw the app icons (a ring with a gap, like a C, on the brand colour) as PNGs without dependencies.
// `npm run icons` writes public/icons/; the files are committed, so builds never need this.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BRAND = [0x1d, 0x4e, 0x89];
const WHITE = [0xff, 0xff, 0xff];

function crc32(buf) {
  let c;
  const table = [];
  for (let n = 0; n < 256; n++) {
    c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  let crc = 0xffffffff;
  for (const byte of buf) crc = table[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** `mark` is the ring's outer radius as a share of half the size; `rounded` cuts the corners away. */
function icon(size, { mark, rounded }) {
  const rows = [];
  const half = size / 2;
  const outer = half * mark;
  const inner = outer * 0.62;
  const corner = size * 0.2;
  for (let y = 0; y < size; y++) {
    const row = [0];
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - half;
      const dy = y + 0.5 - half;
      const r = Math.hypot(dx, dy);
      const angle = Math.atan2(dy, dx);
      const inGap = Math.abs(angle) < Math.PI / 5 && dx > 0;
      let alpha = 255;
      if (rounded) {
        const cx = Math.min(x + 0.5, size - x - 0.5);
        const cy = Math.min(y + 0.5, size - y - 0.5);
        if (cx < corner && cy < corner && Math.hypot(corner - cx, corner - cy) > corner) alpha = 0;
      }
      const colour = r <= outer && r >= inner && !inGap ? WHITE : BRAND;
      row.push(...colour, alpha);
    }
    rows.push(Buffer.from(row));
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = new URL('../public/icons/', import.meta.url);
mkdirSync(out, { recursive: true });
for (const size of [192, 512]) {
  writeFileSync(new URL(`icon-${size}.png`, out), icon(size, { mark: 0.62, rounded: true }));
  // Maskable: full bleed, the mark inside the central safe circle (80% of the size).
  writeFileSync(new URL(`maskable-${size}.png`, out), icon(size, { mark: 0.5, rounded: false }));
}
writeFileSync(new URL('apple-touch-icon.png', out), icon(180, { mark: 0.55, rounded: false }));
writeFileSync(
  new URL('icon.svg', out),
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" rx="20" fill="#1d4e89"/>` +
    `<path d="M74.7 32.6A31 31 0 1 0 74.7 67.4" fill="none" stroke="#fff" stroke-width="12"/></svg>\n`,
);
console.log('icons written to public/icons/');
