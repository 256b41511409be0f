// Placeholder: replaced by the offline work.
export function OfflineBar() {
  return null;
}
