// The patient app's PNG icons (web/patient/public/icons), drawn here so that no image comes from
// elsewhere: a white cross on the app's green, in the sizes phones ask for. "any" icons have
// rounded corners; "maskable" ones are full-bleed with the cross inside the safe zone (the
// middle 80%), so a launcher may cut any shape. Run: node scripts/icons.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const GREEN = [11, 110, 79];
const WHITE = [255, 255, 255];

function crc32(bytes) {
  let c, crc = 0xffffffff;
  for (const b of bytes) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function png(size, pixel) {
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) rows.set(pixel(x / size, y / size), y * (size * 4 + 1) + 1 + x * 4);
  }
  const head = Buffer.alloc(13);
  head.writeUInt32BE(size, 0);
  head.writeUInt32BE(size, 4);
  head.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", head),
    chunk("IDAT", deflateSync(rows, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

// The cross of icon.svg (64 units): arms 12 wide, from 14 to 50; scale s shrinks it to the centre.
function inCross(u, v, s) {
  const a = 0.5 - (0.5 - 14 / 64) * s, b = 0.5 + (0.5 - 14 / 64) * s;
  const c = 0.5 - (6 / 64) * s * 1.0, d = 0.5 + (6 / 64) * s * 1.0;
  return (u >= a && u < b && v >= c && v < d) || (v >= a && v < b && u >= c && u < d);
}

function rounded(u, v, r) {
  const dx = Math.max(r - u, 0, u - (1 - r)), dy = Math.max(r - v, 0, v - (1 - r));
  return dx * dx + dy * dy <= r * r;
}

const any = (u, v) => !rounded(u, v, 12 / 64) ? [0, 0, 0, 0]
  : inCross(u, v, 1) ? [...WHITE, 255] : [...GREEN, 255];
const maskable = (u, v) => inCross(u, v, 0.7) ? [...WHITE, 255] : [...GREEN, 255];

const dir = new URL("../patient/public/icons/", import.meta.url);
mkdirSync(dir, { recursive: true });
for (const size of [192, 512]) writeFileSync(new URL(`icon-${size}.png`, dir), png(size, any));
writeFileSync(new URL("maskable-512.png", dir), png(512, maskable));
writeFileSync(new URL("apple-touch-icon.png", dir), png(180, maskable));
