// A stable colour per service name, from a palette that stays readable with white text.
const PALETTE = [
  '#3f7fbf', '#2e9e83', '#c0712f', '#8a5cc2', '#b8476a', '#4f9a3a', '#2f8fb3', '#a88a1e',
  '#6b6fd1', '#c2553b', '#3d8a8a', '#9c5a9c',
];

export function serviceColor(name: string): string {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return PALETTE[(hash >>> 0) % PALETTE.length];
}
