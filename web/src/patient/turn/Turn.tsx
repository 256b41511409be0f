// Placeholder: replaced by the screen's own work.
export function Turn() {
  return <main id="main"><h1>Turn</h1></main>;
}
